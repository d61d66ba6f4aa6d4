import { availableParallelism } from 'node:os';
import { expect, test } from '@playwright/test';
import { cpuHeadroom, parallelismForHeadroom } from './cpu-headroom.ts';

test('one per idle core, a mostly free core counting, at least 1, at most the cap', () => {
  // A quiet 2-core machine (load 0.3): 2, where "two per core" gave 4 and missed the targets.
  expect(parallelismForHeadroom(2 - 0.3, 1, 8)).toBe(2);
  // The same machine with one core busy elsewhere, and fully busy: 1.
  expect(parallelismForHeadroom(2 - 1.2, 1, 8)).toBe(1);
  expect(parallelismForHeadroom(0, 1, 8)).toBe(1);
  expect(parallelismForHeadroom(16, 1, 8)).toBe(8);
});

test('the headroom is the cores less the load, never below zero', () => {
  const headroom = cpuHeadroom();
  expect(headroom.cores).toBe(availableParallelism());
  expect(headroom.idleCores).toBe(Math.max(0, headroom.cores - headroom.load));
});
