/**
 * A lab run killed at random points (SIGINT, as Ctrl-C sends to the whole process group, and SIGKILL of
 * that group, as a cancelled CI job): afterwards `sweep` leaves no tagged resource and no instance, and
 * `lab down` no namespace or process.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { isDataPlaneRunning, isMotoProcess, labSkipReason, readLabState } from '../../infra/lab/index.ts';
import { runCli } from '../../testing/run-cli.ts';

const BIN = fileURLToPath(new URL('../../bin/ecs-taskrole.js', import.meta.url));
// The plain-AMI cell's client retries an unreachable endpoint for ~19 s: the run outlasts every kill point.
const CELLS = '^(baseline|network=host|client=sdk-js-v3|ami=al2023-plain,hostRules=none)$';

test.describe.configure({ mode: 'serial', timeout: 240_000 });

for (const signal of ['SIGINT', 'SIGKILL'] as const) {
  test(`a run stopped by ${signal} at a random point leaves nothing after sweep and lab down`, async () => {
    test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
    const dir = await mkdtemp(join(tmpdir(), 'etr-interrupt-'));
    const labDir = join(dir, 'lab');
    const env = { ...process.env, ECS_TASKROLE_LAB_DIR: labDir } as Record<string, string>;
    try {
      // Somewhere between lab start-up, provisioning and the cells (the run takes ~30 s here).
      const after = 2_000 + Math.floor(Math.random() * 12_000);
      test.info().annotations.push({ type: 'killed after', description: `${after} ms` });
      const run = spawn(process.execPath, [BIN, 'run', '--grep', CELLS, '--out', join(dir, 'out')], {
        env,
        detached: true,
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => run.once('exit', resolve));
      await sleep(after);
      if (run.pid) process.kill(-run.pid, signal);
      await exited;
      await sleep(1_000);
      const sweep = await runCli(['sweep', '--older-than', '0s'], { env });
      expect(sweep.exitCode, sweep.stderr).toBe(0);
      const lab = readLabState(labDir);
      if (lab?.dataPlane) {
        const again = await runCli(['sweep', '--older-than', '0s', '--dry-run'], { env });
        expect(again.stdout).toContain('0 resource(s) to delete');
        // Terminated instances are shut down by the data plane: no instance namespace stays.
        await expect
          .poll(() => namespaces(`${lab.dataPlane?.prefix}-i-`), { timeout: 20_000 })
          .toEqual([])
          .catch(async (error: unknown) => {
            // What the data plane did with the terminated instances is the evidence for the next engineer.
            await test.info().attach('data-plane.log', { path: join(labDir, 'data-plane.log') });
            throw error;
          });
      }
      expect((await runCli(['lab', 'down'], { env })).exitCode).toBe(0);
      expect(await processesOf(labDir)).toEqual([]);
      if (lab) {
        expect(isMotoProcess(lab.motoPid)).toBe(false);
        if (lab.dataPlane) {
          expect(isDataPlaneRunning(lab.dataPlane)).toBe(false);
          expect(await namespaces(lab.dataPlane.prefix)).toEqual([]);
        }
      }
    } finally {
      await runCli(['lab', 'down'], { env });
      await rm(dir, { recursive: true, force: true });
    }
  });
}

/** Lab processes name their lab directory on their command line. */
async function processesOf(labDir: string): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,args=']);
  return stdout.split('\n').filter((line) => line.includes(labDir));
}

async function namespaces(prefix: string): Promise<string[]> {
  const { stdout } = await execa('ip', ['netns', 'list']);
  return stdout.split('\n').filter((line) => line.startsWith(prefix));
}
