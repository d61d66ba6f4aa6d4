/**
 * `run --backend localstack` end to end: the baseline cell on LocalStack with the lab's data plane when a
 * container runtime is here; otherwise the run fails fast, names the missing runtime, creates nothing, and
 * the test is skipped with that reason.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { labSkipReason } from '../../infra/lab/data-plane/network/preflight.ts';
import { containerRuntimeUnavailable } from '../../infra/localstack/container-runtime.ts';
import type { RunResults } from '../../reports/results-schema.ts';
import { runCli } from '../test-support/run-cli.ts';

test.describe.configure({ timeout: 300_000 });

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

async function namespaces(): Promise<string[]> {
  const { stdout } = await execa('ip', ['netns', 'list'], { reject: false });
  return String(stdout).split('\n').filter(Boolean).sort();
}
