import { expect, test } from '@playwright/test';
import { runExitCode } from './exit-code.ts';
import type { CellResult, Verdict } from './results/results-schema.ts';

const cells = (...verdicts: Verdict[]) => verdicts.map((verdict) => ({ verdict }) as CellResult);

test('every cell as expected → 0', () => expect(runExitCode(cells('pass', 'pass'), 2)).toBe(0));
test('a deviation → 1, even next to an infrastructure error', () =>
  expect(runExitCode(cells('pass', 'fail', 'infra'), 3)).toBe(1));
test('an infrastructure error without deviations → 3', () => expect(runExitCode(cells('pass', 'infra'), 2)).toBe(3));
test('cells that never reported → 3', () => expect(runExitCode(cells('pass'), 2)).toBe(3));
