import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { RunResults } from '../../core/results/results-schema.ts';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { syntheticResults } from '../../reports/testing/synthetic-results.ts';
import { runCli } from '../../testing/run-cli.ts';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-report-cli-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function save(name: string, value: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}
const runWith = (runId: string, outcome: 'TASK_ROLE' | 'ENDPOINT_ERROR'): RunResults => ({
  ...syntheticResults({ cells: 1, runId }),
  cells: [cellWith({}, outcome)],
});

test('report re-renders next to the results file by default', async () => {
  const file = await save('results.json', syntheticResults());
  const { exitCode, stdout } = await runCli(['report', file]);
  expect(exitCode).toBe(0);
  expect(stdout).toContain(`report:  ${join(dir, 'report.html')}`);
  for (const name of ['report.html', 'junit.xml', 'summary.md']) expect(existsSync(join(dir, name))).toBe(true);
});

test('report with several files (oldest first) embeds the history and marks flaky cells', async () => {
  const files = [
    await save('1.json', runWith('run-1', 'TASK_ROLE')),
    await save('2.json', runWith('run-2', 'ENDPOINT_ERROR')),
    await save('3.json', runWith('run-3', 'TASK_ROLE')),
  ];
  const out = join(dir, 'out');
  const { exitCode, stdout } = await runCli(['report', ...files, '--out', out]);
  expect(exitCode).toBe(0);
  expect(stdout).toContain('(history of 3 runs)');
  const html = await readFile(join(out, 'report.html'), 'utf8');
  expect(html).toContain('"h":[0,5,0],"hv":[2,0,2],"flips":2');
  expect(html).toContain('3 runs (this one and 2 before it)');
});

test('report: a missing file, a foreign schema version and broken JSON are all named (exit 2)', async () => {
  const old = await save('old.json', { ...syntheticResults({ cells: 1 }), schemaVersion: 0 });
  const broken = await save('broken.json', '{"schemaVersion":');
  const missing = join(dir, 'missing.json');
  const { exitCode, stderr } = await runCli(['report', missing, old, broken]);
  expect(exitCode).toBe(2);
  expect(stderr).toContain(`${missing}: cannot read the results file: file not found`);
  expect(stderr).toContain(`${old}: schemaVersion: schemaVersion 0; this ecs-taskrole reads results schema version 1`);
  expect(stderr).toContain(`${broken}: not JSON:`);
  expect(existsSync(join(dir, 'report.html'))).toBe(false);
});

test('report without a file is a usage error (exit 2)', async () => {
  expect((await runCli(['report'])).exitCode).toBe(2);
});
