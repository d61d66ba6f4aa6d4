/**
 * `run --keep` on a lab the run started: the resources live only in that lab's memory, so the lab must
 * outlive the run (its daemons otherwise end once their last holder, the run, is gone) until `lab down`,
 * and the `sweep --run` the run prints must find and delete them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { labSkipReason, WATCH_INTERVAL_MS } from '../../lab/index.ts';
import { runCli } from '../../testing/run-cli.ts';
import { runResults, withPrivateLab } from './testing/private-lab.ts';

test.describe.configure({ timeout: 900_000 });

test('run --keep leaves the lab it started up with the resources; sweep --run removes them; lab down ends it', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  // As a user runs it: no holder but the run itself.
  const noHolder = { ECS_TASKROLE_LAB_HOLDER_PID: undefined };
  await withPrivateLab(
    'etr-keep-',
    async ({ out, env }) => {
      const run = await runCli(['run', '--grep', '^baseline$', '--keep', '--out', out], { env });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(`${run.stdout}${run.stderr}`).toContain('the lab stays up with them until');
      const { run: metadata } = (await runResults(out)).results;
      // Several of the daemons' holder checks after the run is gone.
      await sleep(4 * WATCH_INTERVAL_MS);
      const status = await runCli(['lab', 'status', '--json'], { env });
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'running' });
      const sweep = await runCli(['sweep', '--backend', 'lab', '--run', metadata.runId, '--json'], { env });
      expect(sweep.exitCode, sweep.stderr).toBe(0);
      expect(JSON.stringify(JSON.parse(sweep.stdout))).toContain(metadata.runId);
    },
    noHolder,
  );
});
