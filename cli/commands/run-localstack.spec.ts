/**
 * `run --backend localstack` end to end: the baseline cell on LocalStack with the lab's data plane when a
 * container runtime is here; otherwise the run fails fast, names the missing runtime, creates nothing, and
 * the test is skipped with that reason. The wiring itself (endpoint from the environment, data plane
 * attached to a foreign control plane, teardown) is also run against a stand-in: a plain moto server.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import type { RunResults } from '../../core/results/results-schema.ts';
import { containerRuntimeUnavailable, labSkipReason } from '../../lab/index.ts';
import { startPlainMoto } from '../../lab/testing/index.ts';
import { runCli } from '../../testing/run-cli.ts';

test.describe.configure({ timeout: 900_000 });

test('run --backend localstack: the baseline cell gets its task role, or the run names the missing runtime', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-run-localstack-'));
  const out = join(dir, 'out');
  const env = { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') };
  try {
    const unavailable = await containerRuntimeUnavailable();
    if (unavailable) {
      const namespacesBefore = await namespaces();
      const run = await runCli(['run', '--backend', 'localstack', '--grep', '^baseline$', '--out', out], { env });
      expect(run.exitCode).toBe(3);
      expect(run.stderr).toMatch(/no container runtime found: .*use --backend lab/);
      expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(existsSync(join(out, 'results.json'))).toBe(false);
      expect(await namespaces()).toEqual(namespacesBefore);
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
    const namespacesBefore = await namespaces();
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
    expect(await namespaces()).toEqual(namespacesBefore);
  } finally {
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

async function namespaces(): Promise<string[]> {
  const { stdout } = await execa('ip', ['netns', 'list'], { reject: false });
  return String(stdout).split('\n').filter(Boolean).sort();
}
