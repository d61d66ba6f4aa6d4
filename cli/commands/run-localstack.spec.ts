/**
 * `run --backend localstack` end to end: the baseline cell on LocalStack with the lab's data plane when a
 * container runtime is here; otherwise the run fails fast, names the missing runtime, creates nothing, and
 * the test is skipped with that reason. The wiring itself (endpoint from the environment, data plane
 * attached to a foreign control plane, teardown) is also run against a stand-in: a plain moto server.
 * "Nothing left" is checked by the run's own lab prefix (its data plane names it in its log before it
 * makes anything), never by comparing the whole machine: other labs may start and end beside this spec.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { RunResults } from '../../core/results/results-schema.ts';
import { containerRuntimeUnavailable, labSkipReason } from '../../lab/index.ts';
import { labLeftovers, labPrefixesInLog, startPlainMoto } from '../../lab/testing/index.ts';
import { runCli } from '../../testing/run-cli.ts';

test.describe.configure({ timeout: 900_000 });

test('run --backend localstack: the baseline cell gets its task role, or the run names the missing runtime', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-run-localstack-'));
  const out = join(dir, 'out');
  const env = { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') };
  try {
    const unavailable = await containerRuntimeUnavailable();
    if (unavailable) {
      const run = await runCli(['run', '--backend', 'localstack', '--grep', '^baseline$', '--out', out], { env });
      expect(run.exitCode).toBe(3);
      expect(run.stderr).toMatch(/no container runtime found: .*use --backend lab/);
      expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(existsSync(join(out, 'results.json'))).toBe(false);
      expect(runPrefixes(out), 'the run began no lab network').toEqual([]);
      test.skip(true, unavailable);
      return;
    }
    test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
    const run = await runCli(['run', '--backend', 'localstack', '--grep', '^baseline$', '--out', out], {
      env: {
        ...env,
        ...(process.env.LOCALSTACK_AUTH_TOKEN ? { LOCALSTACK_AUTH_TOKEN: process.env.LOCALSTACK_AUTH_TOKEN } : {}),
      },
    });
    test.skip(/paid-tier/.test(run.stderr), run.stderr.trim());
    expect(run.exitCode, run.stderr).toBe(0);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.run.backend).toBe('localstack');
    expect(results.cells).toMatchObject([{ id: 'baseline', actual: { outcome: 'TASK_ROLE' }, verdict: 'pass' }]);
    await expectNothingLeft(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('run --backend localstack on a running endpoint (a plain moto standing in): baseline via the data plane, nothing left', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const dir = await mkdtemp(join(tmpdir(), 'etr-run-standin-'));
  const out = join(dir, 'out');
  const moto = await startPlainMoto('127.0.0.1', { managedPolicies: true });
  try {
    const run = await runCli(['run', '--backend', 'localstack', '--grep', '^baseline$', '--out', out], {
      env: { ECS_TASKROLE_LAB_DIR: join(dir, 'lab'), ECS_TASKROLE_LOCALSTACK_ENDPOINT: moto.endpoint },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.run.backend).toBe('localstack');
    expect(results.cells).toMatchObject([{ id: 'baseline', actual: { outcome: 'TASK_ROLE' }, verdict: 'pass' }]);
    expect(results.cells[0]?.actual.evidence.callerArn).toMatch(/assumed-role\/ecs-taskrole-.*-task-/);
    // The instance booted on the data plane the run attached, and the run removed it again.
    expect(await readFile(join(out, 'data-plane.log'), 'utf8')).toMatch(/data plane: i-\w+ booted/);
    await expectNothingLeft(out);
  } finally {
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

/** The lab networks the run's data plane began (its log in --out names each before it makes anything). */
function runPrefixes(out: string): string[] {
  const log = join(out, 'data-plane.log');
  return existsSync(log) ? labPrefixesInLog(readFileSync(log, 'utf8')) : [];
}

/** The run's one lab network is gone: no namespace, link or folder carries its prefix any more. */
async function expectNothingLeft(out: string): Promise<void> {
  const prefixes = runPrefixes(out);
  expect(prefixes, 'the run names its one lab network in its data-plane log').toHaveLength(1);
  for (const prefix of prefixes) expect(await labLeftovers(prefix)).toEqual({ namespaces: [], links: [] });
}
