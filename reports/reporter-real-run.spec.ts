import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import type { RunResults } from '../core/results/results-schema.ts';
import { parseResults } from './results/results-validation.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CONFIG = fileURLToPath(new URL('./testing/reporter-fixture/fixture.config.ts', import.meta.url));
const REPORTER = fileURLToPath(new URL('./reporter.ts', import.meta.url));
const PLAYWRIGHT = join(dirname(createRequire(import.meta.url).resolve('@playwright/test/package.json')), 'cli.js');

/** A nested Playwright run with a clean environment (none of this worker's TEST_/PW_ variables). */
async function playwright(args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(TEST_|PW_|PLAYWRIGHT_)/.test(name)),
  ) as Record<string, string>;
  return execa(process.execPath, [PLAYWRIGHT, ...args], {
    cwd: ROOT,
    env: { ...clean, ...env, CI: '', FORCE_COLOR: '0' },
    extendEnv: false,
    reject: false,
  });
}

const load = (dir: string): RunResults => parseResults(readFileSync(join(dir, 'results.json'), 'utf8'), dir);
/** What must agree between a direct and a merged run (timings differ). */
const essence = (results: RunResults) => ({
  runId: results.run.runId,
  cells: results.cells.map((cell) => [cell.id, cell.actual.outcome, cell.verdict, cell.details.log]).sort(),
  errors: results.errors,
});

let dir: string;
test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-real-run-'));
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a real run, and the same run sharded in two and merged, give the same results', async () => {
  test.setTimeout(360_000);
  const direct = join(dir, 'direct');
  const run = await playwright(['test', '--config', CONFIG], { ECS_TASKROLE_OUT: direct });
  expect(run.exitCode, run.stdout).toBe(1); // the simulated crash fails the run
  const results = load(direct);
  expect(results.run.runId).toBe('run-fixture');
  expect(results.cells).toHaveLength(6);
  expect(results.cells.find((cell) => cell.id === 'client=awscli-v1')).toMatchObject({
    actual: { outcome: 'INFRA_ERROR' },
    verdict: 'infra',
  });
  expect(results.cells.find((cell) => cell.id === 'network=host')?.verdict).toBe('fail');
  for (const file of ['report.html', 'junit.xml', 'summary.md'])
    expect(readFileSync(join(direct, file), 'utf8').length).toBeGreaterThan(0);

  // Each shard on its own "machine" (the blob reporter empties its folder); CI then downloads all blobs into one.
  const blobs = join(dir, 'blobs');
  await mkdir(blobs);
  for (const shard of [1, 2]) {
    const shardDir = join(dir, `shard-${shard}`);
    const part = await playwright(['test', '--config', CONFIG, '--shard', `${shard}/2`, '--reporter', 'blob'], {
      PLAYWRIGHT_BLOB_OUTPUT_DIR: shardDir,
    });
    expect([0, 1]).toContain(part.exitCode);
    for (const name of await readdir(shardDir)) await copyFile(join(shardDir, name), join(blobs, name));
  }
  expect((await readdir(blobs)).filter((name) => name.endsWith('.zip'))).toHaveLength(2);
  const merged = join(dir, 'merged');
  const merge = await playwright(['merge-reports', '--reporter', REPORTER, blobs], { ECS_TASKROLE_OUT: merged });
  expect(merge.exitCode, merge.stderr).toBe(0);
  expect(essence(load(merged))).toEqual(essence(results));
});
