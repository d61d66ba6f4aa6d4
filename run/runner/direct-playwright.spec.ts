/**
 * `ECS_TASKROLE_CONFORMANCE=1 npx playwright test --project=cells` is the other way in: the runner's global
 * setup plans, the setup project opens the lab and provisions — only the instance groups of the cells Playwright selected — and the teardown project
 * tears down and stops the lab it started.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import type { RunResults } from '../../core/results/results-schema.ts';
import { labSkipReason } from '../../lab/index.ts';
import { runCli } from '../../testing/run-cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLAYWRIGHT = join(dirname(createRequire(import.meta.url).resolve('@playwright/test/package.json')), 'cli.js');

test.describe.configure({ timeout: 540_000 });

test('playwright test --project=cells --grep: provisions only the selected cell’s instance, runs it, tears down, stops the lab', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const dir = await mkdtemp(join(tmpdir(), 'etr-direct-'));
  const out = join(dir, 'out');
  // The child is a runner of its own: none of this worker's Playwright variables.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(TEST_|PW_|PLAYWRIGHT_)/.test(name)),
  );
  Object.assign(env, {
    ECS_TASKROLE_CONFORMANCE: '1',
    ECS_TASKROLE_LAB_DIR: join(dir, 'lab'),
    ECS_TASKROLE_OUT: out,
    CI: '',
  });
  try {
    const run = await execa(
      process.execPath,
      [PLAYWRIGHT, 'test', '--project=cells', '--grep', ' taskRole=unset,instanceRolePolicy=list-tasks$'],
      {
        cwd: ROOT,
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
      },
    );
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('[provision] 1 instances launched');
    expect(JSON.parse(await readFile(join(out, 'selected-cells.json'), 'utf8'))).toEqual([
      'taskRole=unset,instanceRolePolicy=list-tasks',
    ]);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.cells.map((cell) => [cell.id, cell.verdict])).toEqual([
      ['taskRole=unset,instanceRolePolicy=list-tasks', 'pass'],
    ]);
    expect(results.run.amis['al2023-ecs']?.agentVersion).toBeTruthy();
    const status = await runCli(['lab', 'status', '--json'], { env: { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') } });
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'stopped' });
  } finally {
    await runCli(['lab', 'down'], { env: { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') } });
    await rm(dir, { recursive: true, force: true });
  }
});
