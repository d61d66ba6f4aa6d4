import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { CellResult, RunResults } from '../../core/results/results-schema.ts';
import type { ResultsDiff } from '../../reports/diff/diff-results.ts';
import { cellWith } from '../../reports/test-support/cell-fixture.ts';
import { syntheticResults } from '../../reports/test-support/synthetic-results.ts';
import { runCli } from '../../testing/run-cli.ts';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-diff-cli-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function save(name: string, runId: string, imageId: string, cells: CellResult[]): Promise<string> {
  const base = syntheticResults({ cells: 1, runId });
  const results: RunResults = {
    ...base,
    run: { ...base.run, amis: { 'al2023-ecs': { imageId, agentVersion: '1.0' } } },
    cells,
  };
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(results));
  return file;
}

test('a regression prints the cell and exits 1', async () => {
  const baseline = await save('base.json', 'base', 'ami-old', [
    cellWith({}),
    cellWith({ network: 'host' }, 'ENDPOINT_ERROR'),
  ]);
  const candidate = await save('cand.json', 'cand', 'ami-new', [
    cellWith({}, 'INSTANCE_ROLE_DENIED'),
    cellWith({ network: 'host' }),
  ]);
  const { exitCode, stdout } = await runCli(['diff', baseline, candidate]);
  expect(exitCode).toBe(1);
  expect(stdout).toContain('  AMI al2023-ecs: ami-old (agent 1.0) → ami-new (agent 1.0)');
  expect(stdout).toContain('1 regressions, 0 unjudged, 1 fixes, 0 changed, 0 new, 0 removed, 0 unchanged');
  expect(stdout).toContain(
    'Regressions (was as expected, now deviates):\n  ✗ baseline: TASK_ROLE → INSTANCE_ROLE_DENIED (expected TASK_ROLE, rule known-good)',
  );
  expect(stdout).toContain('Fixes (deviated, now as expected):\n  ✓ network=host: ENDPOINT_ERROR → TASK_ROLE');
  expect(stdout).toContain('FAIL: the candidate does not pass the gate (1 reasons):\n  - 1 regressions');
});

test('fixes and new cells alone exit 0', async () => {
  const baseline = await save('base.json', 'base', 'ami-1', [cellWith({}, 'ENDPOINT_ERROR')]);
  const candidate = await save('cand.json', 'cand', 'ami-1', [
    cellWith({}),
    cellWith({ client: 'sdk-js-v3' }, 'INFRA_ERROR'),
  ]);
  const { exitCode, stdout } = await runCli(['diff', baseline, candidate]);
  expect(exitCode).toBe(0);
  expect(stdout).toContain('0 regressions, 0 unjudged, 1 fixes, 0 changed, 1 new, 0 removed, 0 unchanged');
  expect(stdout).toContain('OK: no regressions, no cell lost, every cell judged');
});

test('the gate fails closed: a removed cell exits 1 and says so; --allow-removed accepts it', async () => {
  const baseline = await save('base.json', 'base', 'ami-1', [cellWith({}), cellWith({ imds: 'blocked' })]);
  const candidate = await save('cand.json', 'cand', 'ami-1', [cellWith({})]);
  const run = await runCli(['diff', baseline, candidate]);
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toContain('FAIL: the candidate does not pass the gate (1 reasons):');
  expect(run.stdout).toContain('  - 1 cells of the baseline are missing (accept with --allow-removed)');
  const allowed = await runCli(['diff', baseline, candidate, '--allow-removed']);
  expect(allowed.exitCode).toBe(0);
  expect(allowed.stdout).toContain('(accepted with --allow-removed)');
});

test('the gate fails closed: a candidate with zero cells exits 1', async () => {
  const baseline = await save('base.json', 'base', 'ami-1', [cellWith({})]);
  const candidate = await save('cand.json', 'cand', 'ami-1', []);
  const run = await runCli(['diff', baseline, candidate, '--allow-removed']);
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toContain('the candidate has no cells');
});

for (const outcome of ['TIMEOUT', 'INFRA_ERROR'] as const) {
  test(`the gate fails closed: as expected → ${outcome} exits 1 unless --allow-unjudged`, async () => {
    const baseline = await save('base.json', 'base', 'ami-1', [cellWith({}), cellWith({ imds: 'blocked' })]);
    const candidate = await save('cand.json', 'cand', 'ami-1', [cellWith({}, outcome), cellWith({ imds: 'blocked' })]);
    const run = await runCli(['diff', baseline, candidate]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      `Unjudged (was as expected, now INFRA_ERROR or TIMEOUT):\n  ? baseline: TASK_ROLE → ${outcome}`,
    );
    expect(run.stdout).toContain('1 cells were as expected and are now INFRA_ERROR or TIMEOUT (no verdict)');
    expect((await runCli(['diff', baseline, candidate, '--allow-unjudged'])).exitCode).toBe(0);
  });
}

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
  expect(diff.counts.regression).toBe(1);
  expect(diff.changes[0]).toMatchObject({
    id: 'baseline',
    kind: 'regression',
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
