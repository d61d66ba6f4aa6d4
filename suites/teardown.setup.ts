import { test as teardown } from '@playwright/test';
import { driverFor } from '../run/drivers.ts';
import { readRunConfig } from '../run/run-config.ts';
import { readRunState, writeRunState } from '../run/run-state.ts';

teardown('teardown', async () => {
  const config = readRunConfig();
  const run = readRunState(config);
  if (!run || run.tornDown) return;
  const log = (line: string) => process.stdout.write(`[teardown] ${line}\n`);
  if (config.keep) {
    log(`--keep: resources of run ${run.runId} left in place; sweep them with ecs-taskrole sweep`);
    return;
  }
  const leftovers = await driverFor(config.backend).teardown(run.state, log);
  writeRunState(config, { ...run, tornDown: leftovers.length === 0 });
  if (leftovers.length > 0)
    throw new Error(`could not delete: ${leftovers.join(', ')} (ecs-taskrole sweep finds them)`);
});
