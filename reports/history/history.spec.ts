import { expect, test } from '@playwright/test';
import type { Outcome } from '../../core/outcome.ts';
import type { RunResults } from '../../core/results/results-schema.ts';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { syntheticResults } from '../testing/synthetic-results.ts';
import { buildHistory } from './history.ts';

/** A run whose only cell is `baseline` with the given outcome, on the given AL2023 image. */
function run(outcome: Outcome | undefined, image = 'ami-1'): RunResults {
  const base = syntheticResults({ cells: 1 });
  return {
    ...base,
    run: { ...base.run, amis: { 'al2023-ecs': { imageId: image, agentVersion: '1.0' } } },
    cells: outcome ? [cellWith({}, outcome)] : [],
  };
}

const historyOf = (runs: RunResults[]) => buildHistory(runs).get('baseline');

test('points are aligned with the runs, oldest first, with gaps where a run lacked the cell', () => {
  const history = historyOf([run('TASK_ROLE'), run(undefined), run('TASK_ROLE')]);
  expect(history?.points.map((point) => point?.outcome)).toEqual(['TASK_ROLE', undefined, 'TASK_ROLE']);
  expect(history).toMatchObject({ flips: 0, comparisons: 1, flaky: false });
});

test('an outcome change on the same configuration is flaky', () => {
  const history = historyOf([run('TASK_ROLE'), run('ENDPOINT_ERROR'), run('TASK_ROLE')]);
  expect(history).toMatchObject({ flips: 2, comparisons: 2, flaky: true });
});

test('an outcome change with a new AMI image is a change, not flakiness', () => {
  expect(historyOf([run('TASK_ROLE', 'ami-1'), run('ENDPOINT_ERROR', 'ami-2')])).toMatchObject({
    flips: 0,
    flaky: false,
  });
});

test('infrastructure errors between equal outcomes are not flips', () => {
  expect(historyOf([run('TASK_ROLE'), run('INFRA_ERROR'), run('TIMEOUT'), run('TASK_ROLE')])).toMatchObject({
    flips: 0,
    comparisons: 1,
    flaky: false,
  });
});

test('only cells of the newest run get a history; no runs, no history', () => {
  const newest = run(undefined);
  expect(buildHistory([run('TASK_ROLE'), newest]).size).toBe(0);
  expect(buildHistory([]).size).toBe(0);
});
