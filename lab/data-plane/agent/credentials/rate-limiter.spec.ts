import { expect, test } from '@playwright/test';
import { ABOVE_DEFAULT_BURST_FETCHES } from '../../../../core/matrix/dimensions.ts';
import { DEFAULT_RATE_LIMIT } from '../ecs-config.ts';
import { TollboothLimiter } from './rate-limiter.ts';

test('a bucket starts full with burst tokens, then refills at the steady rate', () => {
  let now = 0;
  const limiter = new TollboothLimiter({ steady: 2, burst: 3 }, () => now);
  expect([1, 2, 3, 4].map(() => limiter.allow('10.0.0.1', '/v2/credentials/a'))).toEqual([true, true, true, false]);
  now = 499; // 0.998 tokens
  expect(limiter.allow('10.0.0.1', '/v2/credentials/a')).toBe(false);
  now = 1000; // 1.0 more since the last refill at 499 → ≥ 1
  expect(limiter.allow('10.0.0.1', '/v2/credentials/a')).toBe(true);
});

test('refill never exceeds the burst size', () => {
  let now = 0;
  const limiter = new TollboothLimiter({ steady: 100, burst: 2 }, () => now);
  now = 60_000;
  expect([1, 2, 3].map(() => limiter.allow('10.0.0.1', '/p'))).toEqual([true, true, false]);
});

test('keys are (source IP, path): another IP or another path has its own bucket', () => {
  const limiter = new TollboothLimiter({ steady: 1, burst: 1 }, () => 0);
  expect(limiter.allow('10.0.0.1', '/v2/credentials/a')).toBe(true);
  expect(limiter.allow('10.0.0.1', '/v2/credentials/a')).toBe(false);
  expect(limiter.allow('10.0.0.2', '/v2/credentials/a')).toBe(true);
  expect(limiter.allow('10.0.0.1', '/v2/credentials/b')).toBe(true);
});

test("the agent's default limit (40,60) throttles an above-default burst spread over less than 8.5 s", () => {
  let now = 0;
  const limiter = new TollboothLimiter(DEFAULT_RATE_LIMIT, () => now);
  const fetches = ABOVE_DEFAULT_BURST_FETCHES;
  // The fetches spread evenly over 8 s: 60 from the bucket plus 40 a second refilled serve 380 of them.
  const allowed = Array.from({ length: fetches }, (_, index) => {
    now = (index * 8000) / fetches;
    return limiter.allow('198.19.0.2', '/v2/credentials/a');
  }).filter(Boolean).length;
  expect(allowed).toBeLessThan(fetches);
  expect(allowed).toBeGreaterThanOrEqual(DEFAULT_RATE_LIMIT.burst);
});
