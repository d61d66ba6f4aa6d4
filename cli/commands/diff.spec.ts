import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { CellResult, RunResults } from '../../core/results/results-schema.ts';
import { cellWith, withOverride } from '../../core/testing/cell-fixture.ts';
import type { ResultsDiff } from '../../reports/diff/diff-results.ts';
import { syntheticResults } from '../../reports/testing/synthetic-results.ts';
import { runCli } from '../../testing/run-cli.ts';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-diff-cli-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function save(
  name: string,
  runId: string,
  imageId: string,
  cells: CellResult[],
  matrixName = 'default',
): Promise<string> {
  const base = syntheticResults({ cells: 1, runId });
  const results: RunResults = {
    ...base,
    run: { ...base.run, matrixName, amis: { 'al2023-ecs': { imageId, agentVersion: '1.0' } } },
    cells,
  };
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(results));
  return file;
}

test('a behaviour change prints the cell and exits 1', async () => {
  const baseline = await save('base.json', 'base', 'ami-old', [
    cellWith({}),
    cellWith({ network: 'host' }, 'ENDPOINT_ERROR'),
  ]);
  const candidate = await save('cand.json', 'cand', 'ami-new', [
    cellWith({}, 'INSTANCE_ROLE_DENIED'),
    cellWith({ network: 'host' }, 'ENDPOINT_ERROR'),
  ]);
  const { exitCode, stdout } = await runCli(['diff', baseline, candidate]);
  expect(exitCode).toBe(1);
  expect(stdout).toContain('  AMI al2023-ecs: ami-old (agent 1.0) → ami-new (agent 1.0)');
  expect(stdout).toContain(
    '1 behaviour changes, 0 unjudged, 0 baseline unjudged, 0 expectation changes, 0 new, 0 removed, 1 unchanged',
  );
  expect(stdout).toContain(
    'Behaviour changes (same configuration, another outcome):\n  ✗ baseline: TASK_ROLE → INSTANCE_ROLE_DENIED (expected TASK_ROLE (rule known-good); as expected → deviation)',
  );
  expect(stdout).toContain('FAIL: the candidate does not pass the gate (1 reasons):\n  - 1 behaviour changes');
});

/**
 * The gate's table: each case reported as what it is, with its exit code. The baseline is two cells as
 * expected; each candidate changes one thing.
 */
test.describe('diff reports each kind of change as what it is, with its exit code', () => {
  const host = { network: 'host', networkHostFlag: 'true' } as const;
  const cases: {
    name: string;
    candidate: () => CellResult[];
    flags?: string[];
    sameFile?: boolean;
    matrixName?: string;
    exitCode: number;
    says: string[];
    /** What stderr says instead, for bad input (exit 2). */
    complains?: string[];
  }[] = [
    {
      name: 'an expectation-only change (the team moved its expect): reported, not a regression',
      candidate: () => [cellWith({}), withOverride(cellWith(host), 'NOT_PLACED', 'site policy')],
      exitCode: 0,
      says: [
        'Expectation changes (same outcome, another expected outcome; not a regression):',
        '~ network=host: TASK_ROLE in both (expected TASK_ROLE → NOT_PLACED (rule known-good → expect[0]); as expected → deviation)',
        'note: 1 expectation changes',
        'OK: every configuration behaves as in the baseline',
      ],
    },
    {
      name: 'a behaviour change with a moved expectation: still a behaviour change',
      candidate: () => [
        cellWith({}),
        withOverride(cellWith(host, 'INSTANCE_ROLE_LEAK'), 'INSTANCE_ROLE_LEAK', 'new AMI'),
      ],
      exitCode: 1,
      says: [
        '✗ network=host: TASK_ROLE → INSTANCE_ROLE_LEAK',
        'the expectation moved with it: its own verdict hides the change',
        '(accept with --accept-behaviour-change ID, or --accept-behaviour-change all)',
      ],
    },
    {
      name: 'the same change, accepted by id and outcome',
      candidate: () => [
        cellWith({}),
        withOverride(cellWith(host, 'INSTANCE_ROLE_LEAK'), 'INSTANCE_ROLE_LEAK', 'new AMI'),
      ],
      flags: ['--accept-behaviour-change', 'network=host:INSTANCE_ROLE_LEAK'],
      exitCode: 0,
      says: [
        '✓ network=host: TASK_ROLE → INSTANCE_ROLE_LEAK',
        'OK: no behaviour change beyond what the flags accepted',
      ],
    },
    {
      name: 'the same run twice',
      candidate: () => [],
      sameFile: true,
      exitCode: 1,
      says: [
        'same run on both sides (base): nothing to compare',
        'the baseline and the candidate are the same run (base)',
      ],
    },
    {
      name: 'different matrices with the same name',
      candidate: () => [cellWith({}), cellWith({ load: 'burst' })],
      exitCode: 1,
      says: [
        'different matrices, though both are named "default": 1 configurations in both, 1 only in the baseline, 1 only in the candidate',
        '+ load=burst: TASK_ROLE (expected TASK_ROLE, as expected)',
        '- network=host: TASK_ROLE (expected TASK_ROLE, as expected)',
        '(accept with --allow-matrix-change)',
      ],
    },
    {
      name: 'the same configurations under another name: the same matrix',
      candidate: () => [cellWith({}), cellWith(host)],
      matrixName: 'renamed',
      exitCode: 0,
      says: ['same matrix: the same 2 configurations in both runs (renamed "default" → "renamed")'],
    },
    {
      name: 'a cell added',
      candidate: () => [cellWith({}), cellWith(host), cellWith({ load: 'burst' })],
      exitCode: 1,
      says: [
        'New cells (configuration only in the candidate):\n  + load=burst',
        '1 only in the candidate (accept with --allow-matrix-change)',
      ],
    },
    {
      name: 'a cell removed',
      candidate: () => [cellWith({})],
      exitCode: 1,
      says: [
        'Removed cells (configuration only in the baseline):\n  - network=host',
        '(accept with --allow-removed or --allow-matrix-change)',
      ],
    },
    {
      name: 'a cell removed, accepted',
      candidate: () => [cellWith({})],
      flags: ['--allow-removed'],
      exitCode: 0,
      says: ['(accepted with --allow-removed)'],
    },
    {
      name: 'one configuration twice in the candidate (another id): refused, not collapsed',
      candidate: () => [cellWith({}), cellWith(host), { ...cellWith(host, 'INSTANCE_ROLE_LEAK'), id: 'host-again' }],
      exitCode: 2,
      says: [],
      complains: [
        'cand.json: cells[2]: cells "network=host" and "host-again" have the same configuration: diff matches cells by configuration',
      ],
    },
  ];
  for (const entry of cases) {
    test(`${entry.name}: exit ${entry.exitCode}`, async () => {
      const baseline = await save('base.json', 'base', 'ami-1', [cellWith({}), cellWith(host)]);
      const candidate = entry.sameFile
        ? baseline
        : await save('cand.json', 'cand', 'ami-2', entry.candidate(), entry.matrixName);
      const { exitCode, stdout, stderr } = await runCli(['diff', baseline, candidate, ...(entry.flags ?? [])]);
      for (const line of entry.says) expect(stdout).toContain(line);
      for (const line of entry.complains ?? []) expect(stderr).toContain(line);
      expect(exitCode).toBe(entry.exitCode);
    });
  }
});

test('a malformed --accept-behaviour-change exits 2 naming what is accepted', async () => {
  const baseline = await save('base.json', 'base', 'ami-1', [cellWith({})]);
  const run = await runCli(['diff', baseline, baseline, '--accept-behaviour-change', 'baseline:SUCCESS']);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain('--accept-behaviour-change: "baseline:SUCCESS": expected all, a cell id');
});

for (const outcome of ['TIMEOUT', 'INFRA_ERROR'] as const) {
  test(`the gate fails closed: as expected → ${outcome} exits 1 unless --allow-unjudged`, async () => {
    const baseline = await save('base.json', 'base', 'ami-1', [cellWith({}), cellWith({ imds: 'blocked' })]);
    const candidate = await save('cand.json', 'cand', 'ami-1', [cellWith({}, outcome), cellWith({ imds: 'blocked' })]);
    const run = await runCli(['diff', baseline, candidate]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      `Unjudged (no outcome in the candidate: INFRA_ERROR or TIMEOUT):\n  ? baseline: TASK_ROLE → ${outcome}`,
    );
    expect(run.stdout).toContain('1 cells have no outcome in the candidate (INFRA_ERROR or TIMEOUT)');
    expect((await runCli(['diff', baseline, candidate, '--allow-unjudged'])).exitCode).toBe(0);
  });
}

test('one configuration twice in the baseline exits 2 naming the file and both cells, writing nothing', async () => {
  const twice = { ...cellWith({}, 'ENDPOINT_ERROR'), id: 'baseline-again' };
  const baseline = await save('base.json', 'base', 'ami-1', [cellWith({}), twice]);
  const candidate = await save('cand.json', 'cand', 'ami-2', [cellWith({})]);
  const out = join(dir, 'gate');
  const run = await runCli(['diff', baseline, candidate, '--allow-matrix-change', '--out', out]);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain(
    'base.json: cells[1]: cells "baseline" and "baseline-again" have the same configuration',
  );
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(out)).toBe(false);
});

test('--out that is a file, or below a file, exits 2 with a message and writes nothing', async () => {
  const baseline = await save('base.json', 'base', 'ami-1', [cellWith({})]);
  const file = join(dir, 'taken');
  await writeFile(file, 'x');
  for (const out of [file, join(file, 'sub')]) {
    const run = await runCli(['diff', baseline, baseline, '--out', out]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^error: bad input \\(nothing was created\\)\n${file}.*: --out: `));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }
});

test('--json prints one document; --out writes diff.json, diff.md, diff.html', async () => {
  const baseline = await save('base.json', 'base', 'ami-1', [cellWith({})]);
  const candidate = await save('cand.json', 'cand', 'ami-1', [cellWith({}, 'NO_CREDENTIALS')]);
  const out = join(dir, 'out');
  const { exitCode, stdout, stderr } = await runCli(['diff', baseline, candidate, '--json', '--out', out]);
  expect(exitCode).toBe(1);
  const diff = JSON.parse(stdout) as ResultsDiff;
  expect(diff.counts.behaviour).toBe(1);
  expect(diff.changes[0]).toMatchObject({
    id: 'baseline',
    kind: 'behaviour',
    candidate: { outcome: 'NO_CREDENTIALS' },
  });
  expect(stderr).toContain('diff written:');
  for (const name of ['diff.json', 'diff.md', 'diff.html']) expect(existsSync(join(out, name))).toBe(true);
});

test('a bad or missing file exits 2 naming the file and the problem', async () => {
  const good = await save('good.json', 'g', 'ami-1', [cellWith({})]);
  const bad = join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ schemaVersion: 1, run: {}, cells: [] }));
  const wrongVersion = join(dir, 'v2.json');
  await writeFile(wrongVersion, JSON.stringify({ schemaVersion: 2 }));
  const badRun = await runCli(['diff', good, bad]);
  expect(badRun.exitCode).toBe(2);
  expect(badRun.stderr).toContain(`${bad}: run.runId:`);
  const versionRun = await runCli(['diff', wrongVersion, good]);
  expect(versionRun.exitCode).toBe(2);
  expect(versionRun.stderr).toContain(
    `${wrongVersion}: schemaVersion: schemaVersion 2; this ecs-taskrole reads results schema version 1`,
  );
  const missing = await runCli(['diff', good, join(dir, 'nope.json')]);
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr).toContain(`${join(dir, 'nope.json')}: cannot read the results file: file not found`);
  expect((await runCli(['diff', good])).exitCode).toBe(2);
});
