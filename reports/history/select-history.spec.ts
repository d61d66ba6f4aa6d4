import { expect, test } from '@playwright/test';
import type { RunResults } from '../../core/results/results-schema.ts';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { syntheticResults } from '../testing/synthetic-results.ts';
import { buildHistory } from './history.ts';
import { selectHistory } from './select-history.ts';

function run(runId: string, day: string, cells = syntheticResults().cells, matrixName = 'default'): RunResults {
  const base = syntheticResults({ runId, startedAt: `2026-11-${day}T02:00:00.000Z` });
  return { ...base, run: { ...base.run, matrixName }, cells };
}

test('runs are ordered by their start whatever the order given; the newest is the run to report', () => {
  const [a, b, c] = [run('a', '18'), run('b', '19'), run('c', '20')];
  const { runs, leftOut } = selectHistory([
    { file: 'c.json', results: c },
    { file: 'a.json', results: a },
    { file: 'b.json', results: b },
  ]);
  expect(runs.map((results) => results.run.runId)).toEqual(['a', 'b', 'c']);
  expect(leftOut).toEqual([]);
});

test('the same run given twice counts once, and says so', () => {
  const a = run('a', '18');
  const { runs, leftOut } = selectHistory([
    { file: 'a.json', results: a },
    { file: 'copy/a.json', results: structuredClone(a) },
  ]);
  expect(runs).toHaveLength(1);
  expect(leftOut).toEqual([
    { file: 'copy/a.json', runId: 'a', reason: 'the same run as a.json (run a), counted once' },
  ]);
});

test('a run of another matrix is left out, decided by its cells, not its name', () => {
  const other = run('other', '19', [cellWith({}), cellWith({ client: 'awscli-v1' })]);
  const renamed = run('renamed', '18', syntheticResults().cells, 'default-renamed');
  const newest = run('newest', '20');
  const { runs, leftOut } = selectHistory([
    { file: 'renamed.json', results: renamed },
    { file: 'other.json', results: other },
    { file: 'newest.json', results: newest },
  ]);
  expect(runs.map((results) => results.run.runId)).toEqual(['renamed', 'newest']);
  expect(leftOut).toHaveLength(1);
  expect(leftOut[0]?.file).toBe('other.json');
  expect(leftOut[0]?.reason).toMatch(
    /^a different matrix from the reported run newest \(\d+ of its cells not in that run, e\.g\. /,
  );
});

test('TestGrid groups against the last run that judged the cell: new, fixed, then flaky, still', () => {
  const changes = (...outcomes: ('TASK_ROLE' | 'INSTANCE_ROLE_DENIED' | 'INFRA_ERROR')[]) =>
    buildHistory(outcomes.map((outcome, index) => run(`r${index}`, `1${index}`, [cellWith({}, outcome)]))).get(
      'baseline',
    )?.change;
  expect(changes('TASK_ROLE', 'INSTANCE_ROLE_DENIED')).toBe('new');
  // A run without a verdict between them does not hide what changed.
  expect(changes('INSTANCE_ROLE_DENIED', 'INFRA_ERROR', 'TASK_ROLE')).toBe('fixed');
  expect(changes('INSTANCE_ROLE_DENIED', 'INSTANCE_ROLE_DENIED')).toBe('still');
  expect(changes('INSTANCE_ROLE_DENIED', 'TASK_ROLE', 'INSTANCE_ROLE_DENIED', 'INSTANCE_ROLE_DENIED')).toBe('flaky');
  expect(changes('TASK_ROLE', 'TASK_ROLE')).toBeUndefined();
});
