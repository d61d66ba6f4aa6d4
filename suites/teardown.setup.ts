import { test as teardown } from '@playwright/test';
import { lifecycleOwnedByCli } from '../run/env/lifecycle-owner.ts';
import { closeRecordedBackend, keepRecordedBackend, tearDown } from '../run/lifecycle.ts';
import { readRunConfig } from '../run/run-config.ts';

/** Only when Playwright was started directly: under `ecs-taskrole run` the command tears down itself. */
teardown('teardown', async () => {
  if (lifecycleOwnedByCli()) return;
  const config = readRunConfig();
  const log = (line: string) => process.stdout.write(`[teardown] ${line}\n`);
  if (config.keep) {
    log('--keep: resources left in place; sweep them with ecs-taskrole sweep --run <run id>');
    await keepRecordedBackend(config);
    return;
  }
  const report = await tearDown(config, log);
  await closeRecordedBackend(config);
  if (report && report.leftovers.length > 0) {
    throw new Error(`could not delete: ${report.leftovers.join(', ')} (ecs-taskrole sweep --run ${report.runId})`);
  }
});
