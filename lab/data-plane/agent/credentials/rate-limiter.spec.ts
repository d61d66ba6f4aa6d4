import { expect, test } from '@playwright/test';
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
