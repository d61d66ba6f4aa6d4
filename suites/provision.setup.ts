import { test as setup } from '@playwright/test';
import { refuseOutsideRun } from '../infra/backends/localstack.ts';
import { RUN_METADATA_ATTACHMENT } from '../reports/reporter/cell-from-test.ts';
import { openRunBackend, provision } from '../run/lifecycle.ts';
import { lifecycleOwnedByCli } from '../run/lifecycle-env.ts';
import { readRunPlan } from '../run/plan-file.ts';
import { readRunConfig } from '../run/run-config.ts';
import { readRunState } from '../run/run-state.ts';

/**
 * Under `ecs-taskrole run` the run is already provisioned (the command owns the lifecycle): this only hands
 * the run's metadata to the reporter. Started directly (`npx playwright test --project=cells`), it opens the
 * backend and provisions, and the teardown project undoes both.
 */
setup('provision', async () => {
  const config = readRunConfig();
  if (!lifecycleOwnedByCli()) {
    if (config.backend === 'localstack') refuseOutsideRun();
    const plan = readRunPlan(config);
    const log = (line: string) => process.stdout.write(`[provision] ${line}\n`);
    // Setup and teardown are two workers of one Playwright runner: the runner holds the run.
    const backend = await openRunBackend(config, plan, log, process.ppid);
    await provision(config, plan, backend, new AbortController().signal, log);
  }
  const run = readRunState(config);
  if (!run) throw new Error('no provisioned state: provisioning did not finish');
  await setup
    .info()
    .attach(RUN_METADATA_ATTACHMENT, { body: JSON.stringify(run.metadata), contentType: 'application/json' });
});
