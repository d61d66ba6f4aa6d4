/**
 * The Playwright runner's global setup of a conformance run (playwright.config.ts names it; it runs in the
 * runner's own process, before the tests are listed, never in a worker).
 * - Started directly (`ECS_TASKROLE_CONFORMANCE=1 npx playwright test --project=cells`): plans once
 *   (plan.json, run-config.json) and clears an earlier run's state, before any process lists the cells.
 * - Started by `ecs-taskrole run` (which planned already): watches that run, and stops the cells, as on
 *   Ctrl-C, if it dies without asking.
 */
import { lifecycleOwnedByCli } from '../env/lifecycle-owner.ts';
import { lifecycleOwnerPid } from '../env/lifecycle-owner-pid.ts';
import { writeRunConfigFile } from '../files/run-config-file.ts';
import { clearRunState } from '../files/run-state-file.ts';
import { watchOwner } from '../owner-watch.ts';
import { planRun } from '../plan-run.ts';
import { readRunConfig } from '../run-config.ts';

export default async function conformanceGlobalSetup(): Promise<() => void> {
  if (!lifecycleOwnedByCli()) {
    const run = readRunConfig();
    await planRun(run);
    writeRunConfigFile(run);
    clearRunState(run);
    return () => {};
  }
  const ownerPid = lifecycleOwnerPid();
  if (ownerPid === undefined) return () => {};
  return watchOwner({ ownerPid, onGone: () => process.kill(process.pid, 'SIGINT') });
}
