import { test as setup } from '@playwright/test';
import { InfrastructureError } from '../core/errors.ts';
import { selectCells } from '../core/plan/selection.ts';
import { backendProfile } from '../run/backends.ts';
import { lifecycleOwnedByCli } from '../run/env/lifecycle-owner.ts';
import { readRunPlan } from '../run/files/plan-file.ts';
import { readRunState } from '../run/files/run-state-file.ts';
import { readSelection } from '../run/files/selection-file.ts';
import { openRunBackend, provision } from '../run/lifecycle.ts';
import { readRunConfig } from '../run/run-config.ts';

/**
 * Only when Playwright was started directly (`ECS_TASKROLE_CONFORMANCE=1 npx playwright test --project=cells`): it opens the backend
 * and provisions, and the teardown project undoes both. Under `ecs-taskrole run` the command owns the
 * lifecycle and the cells project runs without this one (playwright.config.ts).
 */
setup('provision', async () => {
  if (lifecycleOwnedByCli()) return;
  const config = readRunConfig();
  // `npx playwright test` alone has no process that outlives the workers to hold LocalStack.
  if ((await backendProfile(config.backend)).livesInRunProcess) {
    throw new InfrastructureError(
      `the ${config.backend} backend needs \`ecs-taskrole run --backend ${config.backend}\` (that process holds it and its data plane for the whole run)`,
    );
  }
  const plan = readRunPlan(config);
  const selected = readSelection(config);
  const log = (line: string) => process.stdout.write(`[provision] ${line}\n`);
  // Setup and teardown are two workers of one Playwright runner: the runner holds the run.
  const backend = await openRunBackend(config, plan, log, process.ppid);
  await provision(config, selected ? selectCells(plan, selected) : plan, backend, new AbortController().signal, log);
  if (!readRunState(config)) throw new Error('no provisioned state: provisioning did not finish');
});
