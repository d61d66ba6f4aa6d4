import { availableParallelism } from 'node:os';
import { expect, test } from '@playwright/test';
import { busyShare, cpuTimesOf, parallelismForHeadroom, sampleCpuHeadroom } from './cpu-headroom.ts';

test('one per idle core, a mostly free core counting, at least 1, at most the cap', () => {
  // A quiet 2-core machine (0.3 cores busy): 2, where "two per core" gave 4 and missed the targets.
  expect(parallelismForHeadroom(2 - 0.3, 1, 8)).toBe(2);
  // The same machine with one core busy elsewhere, and fully busy: 1.
  expect(parallelismForHeadroom(2 - 1.2, 1, 8)).toBe(1);
  expect(parallelismForHeadroom(0, 1, 8)).toBe(1);
  expect(parallelismForHeadroom(16, 1, 8)).toBe(8);
});

test('the busy share counts idle and iowait as free, and guest time once', () => {
  const before = { idle: 800, total: 1000 };
  expect(cpuTimesOf('cpu  100 0 100 700 100 0 0 0 50 0\ncpu0 1 2 3 4 5\n')).toEqual(before);
  const after = cpuTimesOf('cpu  250 0 150 850 150 0 0 0 90 0\n');
  // 400 jiffies passed, 200 of them idle or iowait: half the CPU was busy.
  expect(after && busyShare(before, after)).toBe(0.5);
  expect(busyShare(before, before)).toBeUndefined();
  expect(cpuTimesOf('intr 1 2 3\n')).toBeUndefined();
});

test('a sample of this machine: the cores less what was busy, never below zero', async () => {
  const headroom = await sampleCpuHeadroom(200);
  expect(headroom.cores).toBe(availableParallelism());
  expect(headroom.busyCores).toBeGreaterThanOrEqual(0);
  expect(headroom.idleCores).toBe(Math.max(0, headroom.cores - headroom.busyCores));
  if (process.platform === 'linux') expect(headroom.source).toBe('cpu sample');
});
