/**
 * The Playwright runner's global setup of a conformance run (playwright.config.ts names it; it runs in the
 * runner's own process, before the tests are listed, never in a worker).
 * - Started directly (`ECS_TASKROLE_CONFORMANCE=1 npx playwright test --project=cells`): plans once
 *   (plan.json, run-config.json) and clears an earlier run's state, before any process lists the cells.
 * - Started by `ecs-taskrole run` (which planned already): watches that run, and stops the cells, as on
 *   Ctrl-C, if it dies without asking.
 */
import type { FullConfig } from '@playwright/test';
import { lifecycleOwnedByCli } from '../env/lifecycle-owner.ts';
import { lifecycleOwnerPid } from '../env/lifecycle-owner-pid.ts';
import { writeRunConfigFile } from '../files/run-config-file.ts';
import { clearRunState } from '../files/run-state-file.ts';
import { watchOwner } from '../owner-watch.ts';
import { planRun } from '../plan-run.ts';
import { readRunConfig } from '../run-config.ts';

export default async function conformanceGlobalSetup(config: FullConfig): Promise<() => void> {
  if (!lifecycleOwnedByCli()) {
    // Planned for the workers this runner uses (the lab's default is measured: asked again, it could differ).
    const recorded = readRunConfig();
    const run = { ...recorded, workers: recorded.workers ?? config.workers };
    await planRun(run);
    writeRunConfigFile(run);
    clearRunState(run);
    return () => {};
  }
  const ownerPid = lifecycleOwnerPid();
  if (ownerPid === undefined) return () => {};
  return watchOwner({ ownerPid, onGone: () => process.kill(process.pid, 'SIGINT') });
}
