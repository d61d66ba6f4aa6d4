import { test as setup } from '@playwright/test';
import { driverFor } from '../run/drivers.ts';
import { readRunConfig } from '../run/run-config.ts';
import { writeRunState } from '../run/run-state.ts';
import { loadPlan } from './run-plan.ts';

setup('provision', async () => {
  const testInfo = setup.info();
  const config = readRunConfig();
  const plan = await loadPlan(config);
  const log = (line: string) => process.stdout.write(`[provision] ${line}\n`);
  log(`${plan.cells.length} cells, ${plan.instanceGroups.length} instances on ${config.backend}`);
  const { state, metadata } = await driverFor(config.backend).provision(plan, config, log);
  writeRunState(config, { runId: metadata.runId, state, tornDown: false });
  await testInfo.attach('run-metadata', { body: JSON.stringify(metadata), contentType: 'application/json' });
});
