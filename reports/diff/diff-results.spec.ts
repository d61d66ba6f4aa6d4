import { expect, test } from '@playwright/test';
import type { PartialDimensions } from '../../core/matrix/dimensions.ts';
import type { Outcome } from '../../core/outcome.ts';
import type { CellResult, RunResults } from '../../core/results/results-schema.ts';
import { cellWith } from '../test-support/cell-fixture.ts';
import { syntheticResults } from '../test-support/synthetic-results.ts';
import { diffResults, kindOf } from './diff-results.ts';

const baseline = (outcome: Outcome) => cellWith({}, outcome);

test.describe('each cell is classified', () => {
  test('was as expected, now deviates → regression', () =>
    expect(kindOf(baseline('TASK_ROLE'), baseline('INSTANCE_ROLE_DENIED'))).toBe('regression'));
  test('deviated, now as expected → fix', () =>
    expect(kindOf(baseline('ENDPOINT_ERROR'), baseline('TASK_ROLE'))).toBe('fix'));
  test('deviated differently → changed', () =>
    expect(kindOf(baseline('ENDPOINT_ERROR'), baseline('NO_CREDENTIALS'))).toBe('changed'));
  test('as expected, now an infrastructure error → unjudged', () =>
    expect(kindOf(baseline('TASK_ROLE'), baseline('INFRA_ERROR'))).toBe('unjudged'));
  test('as expected, now TIMEOUT → unjudged', () =>
    expect(kindOf(baseline('TASK_ROLE'), baseline('TIMEOUT'))).toBe('unjudged'));
  test('a deviation, now an infrastructure error → changed', () =>
    expect(kindOf(baseline('ENDPOINT_ERROR'), baseline('INFRA_ERROR'))).toBe('changed'));
  test('INFRA_ERROR then TIMEOUT → changed', () =>
    expect(kindOf(baseline('INFRA_ERROR'), baseline('TIMEOUT'))).toBe('changed'));
  test('same outcome and verdict → unchanged', () =>
    expect(kindOf(baseline('TASK_ROLE'), baseline('TASK_ROLE'))).toBe('unchanged'));
  test('only in the candidate → new', () => expect(kindOf(undefined, baseline('TASK_ROLE'))).toBe('new'));
  test('only in the baseline → removed', () => expect(kindOf(baseline('TASK_ROLE'), undefined)).toBe('removed'));
});

function runOf(cells: CellResult[]): RunResults {
  return { ...syntheticResults({ cells: 1 }), cells };
}
const at = (partial: PartialDimensions, outcome?: Outcome) => cellWith(partial, outcome);

test('diffResults counts every kind and lists changes grouped by kind, unchanged left out', () => {
  const before = runOf([
    at({}),
    at({ network: 'host' }, 'ENDPOINT_ERROR'),
    at({ client: 'awscli-v1' }),
    at({ imds: 'blocked' }),
  ]);
  const after = runOf([
    at({ imds: 'blocked' }),
    at({}, 'INSTANCE_ROLE_DENIED'),
    at({ network: 'host' }),
    at({ client: 'sdk-js-v3' }),
  ]);
  const diff = diffResults(before, after);
  expect(diff.counts).toEqual({ regression: 1, unjudged: 0, fix: 1, changed: 0, new: 1, removed: 1, unchanged: 1 });
  expect(diff.changes.map((change) => [change.kind, change.id])).toEqual([
    ['regression', 'baseline'],
    ['fix', 'network=host'],
    ['new', 'client=sdk-js-v3'],
    ['removed', 'client=awscli-v1'],
  ]);
  expect(diff.changes[0]).toMatchObject({
    baseline: { outcome: 'TASK_ROLE', verdict: 'pass', expected: 'TASK_ROLE', rule: 'known-good' },
    candidate: { outcome: 'INSTANCE_ROLE_DENIED', verdict: 'fail' },
  });
  expect(diff.changes[2]?.baseline).toBeUndefined();
  expect(diff.changes[3]?.candidate).toBeUndefined();
});
