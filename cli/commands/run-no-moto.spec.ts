import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { labSkipReason } from '../../lab/index.ts';
import { noMotoEnv, systemPythonWithoutMoto } from '../../lab/testing/index.ts';
import { runCli } from '../../testing/run-cli.ts';

/**
 * The README's `npx ecs-taskrole run` on a machine whose Pythons have no moto and that cannot reach the
 * package index: it stops before the lab starts, with the commands that bring moto (exit 3, an
 * infrastructure prerequisite, as a missing system package is).
 */
test('run with no moto on PATH and the index refused: exit 3 with the exact commands, no lab, nothing made', async () => {
  test.skip(!!labSkipReason(), labSkipReason() ?? '');
  const python = await systemPythonWithoutMoto();
  test.skip(!python, 'no system Python without moto on this machine');
  const dir = await mkdtemp(join(tmpdir(), 'etr-no-moto-'));
  try {
    const env = { ...(await noMotoEnv(dir, python ?? '')), ECS_TASKROLE_LAB_DIR: join(dir, 'lab') };
    const result = await runCli(['run', '--out', join(dir, 'out')], { env });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toContain("the lab's control plane is moto 5.2.1, found in no Python here");
    expect(result.stderr).toContain(`python3 -m venv ${join(dir, 'cache', 'ecs-taskrole', 'moto-5.2.1')}`);
    expect(result.stderr).toContain("-m pip install 'moto[server]==5.2.1' -c ");
    expect(result.stderr).toContain('ECS_TASKROLE_MOTO_PYTHON=');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    // No lab, no lease, no environment, no journal or results: only the plan this run made.
    for (const left of ['lab', 'lab.runs', 'cache', 'out/run-journal.json', 'out/results.json', 'out/backend.json']) {
      expect(existsSync(join(dir, left)), left).toBe(false);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
