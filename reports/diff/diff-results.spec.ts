import { expect, test } from '@playwright/test';
import type { PartialDimensions } from '../../core/matrix/dimensions.ts';
import type { Outcome } from '../../core/outcome.ts';
import type { CellResult, RunResults } from '../../core/results/results-schema.ts';
import { cellWith, withOverride } from '../../core/testing/cell-fixture.ts';
import { syntheticResults } from '../testing/synthetic-results.ts';
import { diffResults, kindOf } from './diff-results.ts';
import { formatDiffText } from './format-diff-text.ts';

const cell = (outcome?: Outcome) => cellWith({}, outcome);
const reading = (result: 'read' | 'failed'): CellResult => {
  const base = cellWith({ process: 'imds-metadata-reader' });
  return { ...base, details: { ...base.details, imdsMetadata: { result, tokenRequest: 'obtained' } } };
};

test.describe('each cell is classified by behaviour first, then expectation', () => {
  const table: [string, CellResult | undefined, CellResult | undefined, string][] = [
    ['as expected, now deviates', cell('TASK_ROLE'), cell('INSTANCE_ROLE_DENIED'), 'behaviour'],
    ['deviated, now as expected', cell('ENDPOINT_ERROR'), cell('TASK_ROLE'), 'behaviour'],
    ['deviated differently', cell('ENDPOINT_ERROR'), cell('NO_CREDENTIALS'), 'behaviour'],
    [
      'another outcome, the expectation moved with it',
      cell(),
      withOverride(cell('INSTANCE_ROLE_LEAK'), 'INSTANCE_ROLE_LEAK', 'x'),
      'behaviour',
    ],
    ['no outcome in the baseline, one now', cell('INFRA_ERROR'), cell('TASK_ROLE'), 'baselineUnjudged'],
    ['TIMEOUT in the baseline, a deviation now', cell('TIMEOUT'), cell('ENDPOINT_ERROR'), 'baselineUnjudged'],
    ['same outcome, another expected outcome', cell(), withOverride(cell(), 'NOT_PLACED', 'x'), 'expectation'],
    ['as expected, now INFRA_ERROR', cell(), cell('INFRA_ERROR'), 'unjudged'],
    ['as expected, now TIMEOUT', cell(), cell('TIMEOUT'), 'unjudged'],
    ['INFRA_ERROR in both', cell('INFRA_ERROR'), cell('INFRA_ERROR'), 'unjudged'],
    ['same outcome, same expectation', cell(), cell(), 'unchanged'],
    ['same outcome, the IMDS metadata read stopped working', reading('read'), reading('failed'), 'behaviour'],
    ['same outcome, the same metadata read', reading('read'), reading('read'), 'unchanged'],
    [
      'same outcome, the reader stopped reporting',
      reading('read'),
      cellWith({ process: 'imds-metadata-reader' }),
      'behaviour',
    ],
    ['the same deviation in both', cell('ENDPOINT_ERROR'), cell('ENDPOINT_ERROR'), 'unchanged'],
    ['only in the candidate', undefined, cell(), 'new'],
    ['only in the baseline', cell(), undefined, 'removed'],
  ];
  for (const [what, before, after, kind] of table)
    test(`${what} → ${kind}`, () => expect(kindOf(before, after)).toBe(kind));
});

function runOf(cells: CellResult[], runId = 'run-synthetic-1'): RunResults {
  return { ...syntheticResults({ cells: 1, runId }), cells };
}
const at = (partial: PartialDimensions, outcome?: Outcome) => cellWith(partial, outcome);

test('diffResults counts every kind and lists changes grouped by kind, unchanged left out', () => {
  const before = runOf([
    at({}),
    at({ network: 'host' }, 'ENDPOINT_ERROR'),
    at({ client: 'awscli-v1' }),
    at({ imds: 'blocked' }),
  ]);
  const after = runOf(
    [at({ imds: 'blocked' }), at({}, 'INSTANCE_ROLE_DENIED'), at({ network: 'host' }), at({ client: 'sdk-js-v3' })],
    'run-2',
  );
  const diff = diffResults(before, after);
  expect(diff.counts).toEqual({
    behaviour: 2,
    unjudged: 0,
    baselineUnjudged: 0,
    expectation: 0,
    new: 1,
    removed: 1,
    unchanged: 1,
  });
  expect(diff.changes.map((change) => [change.kind, change.id])).toEqual([
    ['behaviour', 'baseline'],
    ['behaviour', 'network=host'],
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

test('cells are matched by configuration, not by id', () => {
  const renamed = { ...at({ network: 'host' }), id: 'an-old-id-for-network-host' };
  const diff = diffResults(runOf([renamed]), runOf([at({ network: 'host' })], 'run-2'));
  expect(diff.counts).toMatchObject({ unchanged: 1, new: 0, removed: 0 });
  expect(diff.matrix.same).toBe(true);
});

test('one configuration twice in a run (another id) is bad input naming the file and both cells', () => {
  const twice = { ...at({ network: 'host' }, 'INSTANCE_ROLE_LEAK'), id: 'host-again' };
  const good = runOf([at({}), at({ network: 'host' })]);
  const bad = runOf([at({}), at({ network: 'host' }), twice], 'run-2');
  for (const [baseline, candidate, file] of [
    [good, bad, 'cand.json'],
    [bad, good, 'base.json'],
  ] as const) {
    expect(() => diffResults(baseline, candidate, {}, { baseline: 'base.json', candidate: 'cand.json' })).toThrow(
      `${file}: cells[2]: cells "network=host" and "host-again" have the same configuration`,
    );
  }
});

test('the shared count is of configurations in both runs', () => {
  const diff = diffResults(runOf([at({}), at({ network: 'host' })]), runOf([at({}), at({ imds: 'blocked' })], 'run-2'));
  expect(diff.matrix).toMatchObject({ shared: 1, onlyInBaseline: 1, onlyInCandidate: 1 });
});

test.describe('an agent upgrade: one agentVersion per run, another in each', () => {
  const plain = { ami: 'al2023-plain' } as const;
  const onAgent = (agentVersion: '1.95.0' | '1.101.2', outcomes: { host?: Outcome } = {}) => [
    at({ ...plain, agentVersion }),
    at({ ...plain, agentVersion, network: 'host' }, outcomes.host),
  ];

  test('cells pair up without agentVersion: same matrix, the version named, only real changes listed', () => {
    const diff = diffResults(runOf(onAgent('1.95.0')), runOf(onAgent('1.101.2', { host: 'ENDPOINT_ERROR' }), 'run-2'));
    expect(diff.matrix).toMatchObject({
      same: true,
      shared: 2,
      compared: [{ dimension: 'agentVersion', baseline: '1.95.0', candidate: '1.101.2' }],
    });
    expect(diff.counts).toMatchObject({ behaviour: 1, unchanged: 1, new: 0, removed: 0 });
    expect(diff.changes.map((change) => change.dimensions.network)).toEqual(['host']);
    expect(formatDiffText(diff)).toContain('agentVersion 1.95.0 → 1.101.2');
  });

  test('no behaviour change between the releases: the gate passes', () => {
    const diff = diffResults(runOf(onAgent('1.95.0')), runOf(onAgent('1.101.2'), 'run-2'));
    expect(diff.counts).toMatchObject({ unchanged: 2, behaviour: 0 });
    expect(diff.gate.failures).toEqual([]);
  });

  test('a run mixing releases compares configurations as they are', () => {
    const mixed = runOf([...onAgent('1.95.0').slice(0, 1), ...onAgent('1.101.2').slice(0, 1)]);
    const diff = diffResults(mixed, runOf(onAgent('1.101.2'), 'run-2'));
    expect(diff.matrix.compared).toEqual([]);
    expect(diff.matrix).toMatchObject({ shared: 1, onlyInBaseline: 1, onlyInCandidate: 1 });
  });
});

test('a metadata read that stopped working is named in the change, beside an unchanged outcome', () => {
  const before = runOf([cellWith({ process: 'imds-metadata-reader' })], 'run-a');
  const after = runOf([cellWith({ process: 'imds-metadata-reader' })], 'run-b');
  const [was, now] = [before.cells[0], after.cells[0]] as [CellResult, CellResult];
  was.details = { ...was.details, imdsMetadata: { result: 'read', tokenRequest: 'obtained' } };
  now.details = { ...now.details, imdsMetadata: { result: 'failed', tokenRequest: 'HTTP 401' } };
  const diff = diffResults(before, after);
  expect(diff.counts.behaviour).toBe(1);
  expect(formatDiffText(diff)).toContain('IMDS metadata read → failed');
});
