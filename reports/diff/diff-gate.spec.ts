import { expect, test } from '@playwright/test';
import type { Outcome } from '../../core/outcome.ts';
import type { CellResult, RunResults } from '../../core/results/results-schema.ts';
import { jsonForTerminal } from '../../core/text/safe-text.ts';
import { cellWith } from '../test-support/cell-fixture.ts';
import { syntheticResults } from '../test-support/synthetic-results.ts';
import { diffResults } from './diff-results.ts';
import { formatDiffText } from './format-diff-text.ts';

const runOf = (cells: CellResult[], matrixName = 'default'): RunResults => {
  const base = syntheticResults({ cells: 1 });
  return { ...base, run: { ...base.run, matrixName }, cells };
};
const at = (network: 'bridge' | 'host', outcome?: Outcome) =>
  network === 'bridge' ? cellWith({}, outcome) : cellWith({ network: 'host', networkHostFlag: 'true' }, outcome);
const both = [at('bridge'), at('host')];

test('the same cells behaving the same pass the gate', () => {
  const diff = diffResults(runOf(both), runOf(both));
  expect(diff.gate).toEqual({ passed: true, failures: [], accepted: [] });
  expect(formatDiffText(diff)).toContain('OK: no regressions, no cell lost, every cell judged');
});

test('a regression fails the gate', () => {
  const diff = diffResults(runOf(both), runOf([at('bridge', 'INSTANCE_ROLE_DENIED'), at('host')]));
  expect(diff.gate.failures).toEqual(['1 regressions (was as expected, now deviates)']);
});

test('a removed cell fails the gate unless --allow-removed, and the summary says why', () => {
  const diff = diffResults(runOf(both), runOf([at('bridge')]));
  expect(diff.gate.passed).toBe(false);
  expect(formatDiffText(diff)).toContain('  - 1 cells of the baseline are missing (accept with --allow-removed)');
  const allowed = diffResults(runOf(both), runOf([at('bridge')]), { allowRemoved: true });
  expect(allowed.gate).toMatchObject({ passed: true, accepted: [expect.stringContaining('--allow-removed')] });
});

test('a candidate with no cells fails the gate, whatever the flags', () => {
  const diff = diffResults(runOf(both), runOf([]), { allowRemoved: true, allowUnjudged: true });
  expect(diff.gate.passed).toBe(false);
  expect(diff.gate.failures).toContain('the candidate has no cells (did its run fail before any cell?)');
});

test('a baseline with no cells fails the gate', () => {
  expect(diffResults(runOf([]), runOf(both)).gate.failures).toEqual([
    'the baseline has no cells: nothing to compare with',
  ]);
});

for (const outcome of ['INFRA_ERROR', 'TIMEOUT'] as const) {
  test(`as expected, now ${outcome}, fails the gate unless --allow-unjudged`, () => {
    const candidate = runOf([at('bridge', outcome), at('host')]);
    const diff = diffResults(runOf(both), candidate);
    expect(diff.counts.unjudged).toBe(1);
    expect(diff.gate.failures).toEqual([
      '1 cells were as expected and are now INFRA_ERROR or TIMEOUT (no verdict) (accept with --allow-unjudged)',
    ]);
    expect(diffResults(runOf(both), candidate, { allowUnjudged: true }).gate.passed).toBe(true);
  });
}

test('runs of different matrices fail the gate unless --allow-matrix-change', () => {
  const diff = diffResults(runOf(both, 'nightly'), runOf(both, 'smoke'));
  expect(diff.gate.failures).toEqual([
    'the runs are of different matrices ("nightly" → "smoke") (accept with --allow-matrix-change)',
  ]);
  expect(diffResults(runOf(both, 'nightly'), runOf(both, 'smoke'), { allowMatrixChange: true }).gate.passed).toBe(true);
});

test('the measured case: three passing cells now TIMEOUT plus one removed is FAIL with both reasons', () => {
  const cells = [at('bridge'), at('host'), cellWith({ load: 'burst' }), cellWith({ client: 'awscli-v1' })];
  const candidate = runOf(
    cells.slice(0, 3).map((cell) => ({ ...cell, actual: { ...cell.actual, outcome: 'TIMEOUT' }, verdict: 'infra' })),
  );
  const text = formatDiffText(diffResults(runOf(cells), candidate));
  expect(text).toContain('FAIL: the candidate does not pass the gate (2 reasons):');
  expect(text).toContain('3 cells were as expected and are now INFRA_ERROR or TIMEOUT');
  expect(text).toContain('1 cells of the baseline are missing');
});

test('terminal output escapes control characters from the results (no raw ESC)', () => {
  const hostile = { ...at('bridge', 'INSTANCE_ROLE_DENIED') };
  hostile.actual = { ...hostile.actual, evidence: { decidedBy: '\u001b]0;pwned\u0007\u001b[2Jcleared' } };
  const text = formatDiffText(diffResults(runOf(both), runOf([hostile, at('host')])));
  expect(text.includes('\u001b') || text.includes('\u0007')).toBe(false);
  expect(text).toContain('\\u001b]0;pwned\\u0007\\u001b[2Jcleared');
});

test('diff --json escapes bidi and C1 characters from the results and still parses to the same value', () => {
  const text = 'evil \u202e txt\u009b';
  const escaped = jsonForTerminal(JSON.stringify({ text }));
  expect(escaped).toBe('{"text":"evil \\u202e txt\\u009b"}');
  expect(JSON.parse(escaped)).toEqual({ text });
});
