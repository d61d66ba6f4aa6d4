import { test as setup } from '@playwright/test';
import { selectCells } from '../core/plan/selection.ts';
import { refuseOutsideRun } from '../lab/localstack/localstack-profile.ts';
import { openRunBackend, provision } from '../run/lifecycle.ts';
import { lifecycleOwnedByCli } from '../run/lifecycle-env.ts';
import { readRunPlan } from '../run/plan-file.ts';
import { readRunConfig } from '../run/run-config.ts';
import { readRunState } from '../run/run-state.ts';
import { readSelection } from '../run/selection.ts';

/**
 * Only when Playwright was started directly (`npx playwright test --project=cells`): it opens the backend
 * and provisions, and the teardown project undoes both. Under `ecs-taskrole run` the command owns the
 * lifecycle and the cells project runs without this one (playwright.config.ts).
 */
setup('provision', async () => {
  if (lifecycleOwnedByCli()) return;
  const config = readRunConfig();
  if (config.backend === 'localstack') refuseOutsideRun();
  const plan = readRunPlan(config);
  const selected = readSelection(config);
  const log = (line: string) => process.stdout.write(`[provision] ${line}\n`);
  // Setup and teardown are two workers of one Playwright runner: the runner holds the run.
  const backend = await openRunBackend(config, plan, log, process.ppid);
  await provision(config, selected ? selectCells(plan, selected) : plan, backend, new AbortController().signal, log);
  if (!readRunState(config)) throw new Error('no provisioned state: provisioning did not finish');
});
