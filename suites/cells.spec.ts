import { expect, test } from '@playwright/test';
import { RUN_METADATA_ATTACHMENT } from '../reports/reporter/cell-from-test.ts';
import { driverFor } from '../run/drivers.ts';
import { readRunPlan } from '../run/plan-file.ts';
import { runOneCell } from '../run/run-cell.ts';
import { readRunConfig } from '../run/run-config.ts';
import { readRunState } from '../run/run-state.ts';

// The plan was made once (by `ecs-taskrole run`, or the Playwright config): every process lists the same titles.
const config = readRunConfig();
const plan = readRunPlan(config);

test.describe.configure({ mode: 'parallel' });

/** The run's metadata reaches the reporter once per worker, from its first cell (no setup worker needed). */
let metadataAttached = false;

// Declared longest first (plan.json's runOrder): Playwright hands tests to free workers in this order.
const cellsById = new Map(plan.cells.map((cell) => [cell.id, cell]));
for (const cell of plan.runOrder.flatMap((id) => cellsById.get(id) ?? [])) {
  test(cell.id, { annotation: { type: 'cell', description: cell.id } }, async () => {
    const testInfo = test.info();
    const run = readRunState(config);
    if (!run) throw new Error('no provisioned state: provisioning did not run or failed');
    if (!metadataAttached) {
      metadataAttached = true;
      await testInfo.attach(RUN_METADATA_ATTACHMENT, {
        body: JSON.stringify(run.metadata),
        contentType: 'application/json',
      });
    }
    const driver = driverFor(config.backend);
    const state = driver.readState(run.state);
    const { result, classification } = await runOneCell(driver, state, cell, { cellTimeoutMs: config.cellTimeoutMs });
    await testInfo.attach('cell-result', { body: JSON.stringify(result), contentType: 'application/json' });
    expect(
      result.verdict,
      `expected ${cell.expected.outcome} (${cell.expected.rule}), got ${classification.outcome}: ${classification.evidence.decidedBy}`,
    ).toBe('pass');
  });
}
