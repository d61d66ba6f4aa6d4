import { expect, test } from '@playwright/test';
import type { Outcome } from '../../core/outcome.ts';
import type { CellResult, RunResults } from '../../core/results/results-schema.ts';
import { cellWith, withOverride } from '../../core/testing/cell-fixture.ts';
import { jsonForTerminal } from '../../core/text/safe-text.ts';
import { syntheticResults } from '../testing/synthetic-results.ts';
import { diffResults } from './diff-results.ts';
import { formatDiffText } from './format-diff-text.ts';

let runs = 0;
/** A run of its own (a new run id each time) unless `runId` is given. */
const runOf = (cells: CellResult[], matrixName = 'default', runId = `run-${++runs}`): RunResults => {
  const base = syntheticResults({ cells: 1, runId });
  return { ...base, run: { ...base.run, matrixName }, cells };
};
const at = (network: 'bridge' | 'host', outcome?: Outcome) =>
  network === 'bridge' ? cellWith({}, outcome) : cellWith({ network: 'host', networkHostFlag: 'true' }, outcome);
const both = [at('bridge'), at('host')];

test('the same configurations behaving the same pass the gate', () => {
  const diff = diffResults(runOf(both), runOf(both));
  expect(diff.gate).toEqual({ passed: true, failures: [], accepted: [], notes: [] });
  expect(formatDiffText(diff)).toContain('OK: every configuration behaves as in the baseline, every cell judged');
  expect(formatDiffText(diff)).toContain('same matrix: the same 2 configurations in both runs');
});

test('a behaviour change fails the gate, naming the cell and the flag that accepts it', () => {
  const diff = diffResults(runOf(both), runOf([at('bridge', 'INSTANCE_ROLE_DENIED'), at('host')]));
  expect(diff.gate.failures).toEqual([
    '1 behaviour changes (same configuration, another outcome): baseline (accept with --accept-behaviour-change ID, or --accept-behaviour-change all)',
  ]);
});

test('a behaviour change the candidate also expects still fails the gate: its own verdict cannot hide it', () => {
  const moved = withOverride(at('host', 'INSTANCE_ROLE_LEAK'), 'INSTANCE_ROLE_LEAK', 'the new AMI falls back');
  const diff = diffResults(runOf(both), runOf([at('bridge'), moved]));
  expect(moved.verdict).toBe('pass');
  expect(diff.changes[0]).toMatchObject({ kind: 'behaviour', expectationMoved: true });
  expect(diff.gate.passed).toBe(false);
  expect(formatDiffText(diff)).toContain(
    '  ✗ network=host: TASK_ROLE → INSTANCE_ROLE_LEAK (expected TASK_ROLE → INSTANCE_ROLE_LEAK (rule known-good → expect[0]); the expectation moved with it',
  );
});

test('--accept-behaviour-change: a cell id, ID:OUTCOME only for that outcome, all; one matching nothing is noted', () => {
  const candidate = runOf([at('bridge', 'INSTANCE_ROLE_DENIED'), at('host', 'NO_CREDENTIALS')]);
  const accept = (values: string[]) => diffResults(runOf(both), candidate, { acceptBehaviourChange: values }).gate;
  expect(accept(['all']).passed).toBe(true);
  expect(accept(['baseline', 'network=host:NO_CREDENTIALS']).passed).toBe(true);
  const wrongOutcome = accept(['baseline', 'network=host:TASK_ROLE_DENIED']);
  expect(wrongOutcome.passed).toBe(false);
  expect(wrongOutcome.failures[0]).toContain('1 behaviour changes (same configuration, another outcome): network=host');
  expect(wrongOutcome.accepted).toEqual(['1 behaviour changes: baseline (accepted with --accept-behaviour-change)']);
  expect(wrongOutcome.notes).toEqual([
    '--accept-behaviour-change network=host:TASK_ROLE_DENIED matched no behaviour change',
  ]);
  expect(() => accept(['baseline:SUCCESS'])).toThrow(/expected all, a cell id .* or ID:OUTCOME/);
});

test('an expectation change alone passes the gate and is noted, never a regression', () => {
  const moved = withOverride(at('host'), 'NOT_PLACED', 'site policy');
  const diff = diffResults(runOf(both), runOf([at('bridge'), moved]));
  expect(moved.verdict).toBe('fail');
  expect(diff.counts).toMatchObject({ expectation: 1, behaviour: 0 });
  expect(diff.gate.passed).toBe(true);
  expect(diff.gate.notes[0]).toContain(
    '1 expectation changes (same outcome, another expected outcome): not a regression',
  );
});

test('a removed cell fails the gate unless --allow-removed (or --allow-matrix-change)', () => {
  const diff = diffResults(runOf(both), runOf([at('bridge')]));
  expect(diff.gate.passed).toBe(false);
  expect(formatDiffText(diff)).toContain(
    '  - the runs are of different matrices (both named "default", but their cells differ): 1 cells in both, 1 only in the baseline, 0 only in the candidate (accept with --allow-removed or --allow-matrix-change)',
  );
  for (const flag of [{ allowRemoved: true }, { allowMatrixChange: true }]) {
    expect(diffResults(runOf(both), runOf([at('bridge')]), flag).gate).toMatchObject({ passed: true });
  }
});

test('a cell only in the candidate is another matrix: fails unless --allow-matrix-change (not --allow-removed)', () => {
  const grown = runOf([...both, cellWith({ load: 'burst' })]);
  expect(diffResults(runOf(both), grown, { allowRemoved: true }).gate.failures).toEqual([
    'the runs are of different matrices (both named "default", but their cells differ): 2 cells in both, 0 only in the baseline, 1 only in the candidate (accept with --allow-matrix-change)',
  ]);
  expect(diffResults(runOf(both), grown, { allowMatrixChange: true }).gate.passed).toBe(true);
});

test('a renamed matrix with the same configurations is the same matrix', () => {
  const diff = diffResults(runOf(both, 'nightly'), runOf(both, 'smoke'));
  expect(diff.gate.passed).toBe(true);
  expect(formatDiffText(diff)).toContain(
    'same matrix: the same 2 configurations in both runs (renamed "nightly" → "smoke")',
  );
});

test('the same run on both sides fails the gate, whatever the flags', () => {
  const run = runOf(both);
  const diff = diffResults(run, run, { allowMatrixChange: true, allowUnjudged: true, acceptBehaviourChange: ['all'] });
  expect(diff.sameRun).toBe(true);
  expect(diff.gate.failures).toEqual([
    `the baseline and the candidate are the same run (${run.run.runId}): nothing was compared; give the candidate run's results.json`,
  ]);
});

test('a candidate with no cells fails the gate, whatever the flags', () => {
  const diff = diffResults(runOf(both), runOf([]), {
    allowRemoved: true,
    allowUnjudged: true,
    allowMatrixChange: true,
  });
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
      '1 cells have no outcome in the candidate (INFRA_ERROR or TIMEOUT) (accept with --allow-unjudged)',
    ]);
    expect(diffResults(runOf(both), candidate, { allowUnjudged: true }).gate.passed).toBe(true);
  });
}

test('a candidate with no cell judged fails the gate, whatever the flags', () => {
  const candidate = runOf([at('bridge', 'INFRA_ERROR'), at('host', 'TIMEOUT')]);
  const diff = diffResults(runOf(both), candidate, {
    allowUnjudged: true,
    allowMatrixChange: true,
    acceptBehaviourChange: ['all'],
  });
  expect(diff.gate.passed).toBe(false);
  expect(diff.gate.failures).toEqual([
    'no configuration has an outcome in both runs (every shared cell is INFRA_ERROR or TIMEOUT on one side, or none is shared): nothing was compared, whatever the flags',
  ]);
  expect(diff.gate.accepted).toEqual([
    '2 cells have no outcome in the candidate (INFRA_ERROR or TIMEOUT) (accepted with --allow-unjudged)',
  ]);
});

test('one judged configuration in both runs is enough evidence for --allow-unjudged to pass the rest', () => {
  const diff = diffResults(runOf(both), runOf([at('bridge', 'TIMEOUT'), at('host')]), { allowUnjudged: true });
  expect(diff.gate.passed).toBe(true);
});

test('no outcome in the baseline, one now: baseline unjudged, not a behaviour change; fails unless --allow-unjudged', () => {
  const diff = diffResults(runOf([at('bridge', 'INFRA_ERROR'), at('host')]), runOf(both));
  expect(diff.counts).toMatchObject({ behaviour: 0, baselineUnjudged: 1 });
  expect(diff.gate.failures).toEqual([
    "1 cells have no outcome in the baseline (INFRA_ERROR or TIMEOUT): the candidate's outcome is compared with nothing (accept with --allow-unjudged)",
  ]);
  expect(formatDiffText(diff)).toContain('Baseline unjudged (no outcome in the baseline');
  const allowed = diffResults(runOf([at('bridge', 'INFRA_ERROR'), at('host')]), runOf(both), { allowUnjudged: true });
  expect(allowed.gate.passed).toBe(true);
});

test('the measured case: three passing cells now TIMEOUT plus one removed is FAIL with both reasons', () => {
  const cells = [at('bridge'), at('host'), cellWith({ load: 'burst' }), cellWith({ client: 'awscli-v1' })];
  const candidate = runOf(
    cells.slice(0, 3).map((cell) => ({ ...cell, actual: { ...cell.actual, outcome: 'TIMEOUT' }, verdict: 'infra' })),
  );
  const text = formatDiffText(diffResults(runOf(cells), candidate));
  expect(text).toContain('FAIL: the candidate does not pass the gate (3 reasons):');
  expect(text).toContain('no configuration has an outcome in both runs');
  expect(text).toContain('3 cells have no outcome in the candidate (INFRA_ERROR or TIMEOUT)');
  expect(text).toContain('3 cells in both, 1 only in the baseline, 0 only in the candidate');
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
