/**
 * Two runs on one machine against the same lab directory: started together, they do not race in `lab up`
 * (one starts the lab, the other uses it); the one that ends first, even the one that started the lab,
 * does not stop the lab under the other, and the last one to let go stops it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { labSkipReason, readLabState } from '../../lab/index.ts';
import { runCli } from '../../testing/run-cli.ts';

test.describe.configure({ timeout: 900_000 });

/** A private lab directory for one test, and everything it left removed afterwards. */
async function withPrivateLab(body: (dir: string, env: Record<string, string>) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'etr-concurrent-'));
  const labDir = join(dir, 'lab');
  const env = { ECS_TASKROLE_LAB_DIR: labDir };
  try {
    await body(dir, env);
  } finally {
    await runCli(['lab', 'down'], { env });
    await rm(dir, { recursive: true, force: true });
    await rm(`${labDir}.runs`, { recursive: true, force: true });
  }
}

test('two concurrent runs share one lab safely; the last to finish stops it', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withPrivateLab(async (dir, env) => {
    // The long one outlasts the short one by the plain-AMI cell's ~20 s of client retries.
    const [long, short] = await Promise.all([
      runCli(['run', '--grep', '^(baseline|ami=al2023-plain,hostRules=none)$', '--out', join(dir, 'long')], { env }),
      runCli(['run', '--grep', '^network=host$', '--out', join(dir, 'short')], { env }),
    ]);
    expect(long.exitCode, long.stderr).toBe(0);
    expect(short.exitCode, short.stderr).toBe(0);
    const started = [long.stdout, short.stdout].filter((out) => out.includes('[run] lab started'));
    const used = [long.stdout, short.stdout].filter((out) => out.includes('[run] using the running lab'));
    expect([started.length, used.length]).toEqual([1, 1]);
    expect(readLabState(env.ECS_TASKROLE_LAB_DIR)).toBeUndefined();
  });
});

test('the run that started the lab finishes first: the lab stays up for the other, which stops it', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withPrivateLab(async (dir, env) => {
    // Deterministic order: the short run alone starts the lab, the long one joins once the lab is up.
    const short = runCli(['run', '--grep', '^network=host$', '--out', join(dir, 'short')], { env });
    await expect
      .poll(() => readLabState(env.ECS_TASKROLE_LAB_DIR) !== undefined, { timeout: 360_000, intervals: [100] })
      .toBe(true);
    const long = runCli(['run', '--grep', '^(baseline|ami=al2023-plain,hostRules=none)$', '--out', join(dir, 'long')], {
      env,
    });
    const [shortRun, longRun] = await Promise.all([short, long]);
    expect(shortRun.exitCode, shortRun.stderr).toBe(0);
    expect(shortRun.stdout).toContain('[run] lab started');
    // The short run ended ~20 s before the long one's plain-AMI cell did: the lab had to outlive it.
    expect(longRun.exitCode, longRun.stderr).toBe(0);
    expect(longRun.stdout).toContain('[run] using the running lab');
    expect(readLabState(env.ECS_TASKROLE_LAB_DIR)).toBeUndefined();
  });
});

test('a run does not stop a lab that `lab up` started', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withPrivateLab(async (dir, env) => {
    expect((await runCli(['lab', 'up'], { env })).exitCode).toBe(0);
    const run = await runCli(['run', '--grep', '^baseline$', '--out', join(dir, 'out')], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readLabState(env.ECS_TASKROLE_LAB_DIR)).toBeDefined();
  });
});
