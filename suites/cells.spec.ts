import { expect, test } from '@playwright/test';
import { instanceGroupId } from '../core/matrix/instance-groups.ts';
import { RUN_METADATA_ATTACHMENT } from '../reports/reporter/cell-from-test.ts';
import { readRunPlan } from '../run/plan-file.ts';
import { cellTestTimeoutMs, readRunConfig } from '../run/run-config.ts';
import { awaitRunState } from '../run/run-state.ts';

// The plan was made once (by `ecs-taskrole run`, or the Playwright config): every process lists the same titles.
const config = readRunConfig();
const plan = readRunPlan(config);

test.describe.configure({ mode: 'parallel' });

/**
 * What runs a cell (the backend profiles, the driver, the AWS SDK): loaded by the first cell of each worker while it waits for
 * the run's state, not when Playwright lists the tests in its runner, before any worker starts.
 */
const cellRunner = async () => {
  const [{ backendProfile }, { awsDriver }, { runOneCell }] = await Promise.all([
    import('../run/backends.ts'),
    import('../infra/aws/driver.ts'),
    import('../run/run-cell.ts'),
  ]);
  return { backendProfile, awsDriver, runOneCell };
};

/** The run's metadata reaches the reporter from the cells, once per AMI profile and agent version a worker saw. */
const attachedMetadata = new Set<string>();

// Declared in plan.json's runOrder: Playwright hands tests to free workers in this order.
const cellsById = new Map(plan.cells.map((cell) => [cell.id, cell]));
for (const cell of plan.runOrder.flatMap((id) => cellsById.get(id) ?? [])) {
  test(cell.id, { annotation: { type: 'cell', description: cell.id } }, async () => {
    const testInfo = test.info();
    const began = Date.now();
    const loading = cellRunner();
    // Under `ecs-taskrole run` the cells start with the run: this waits for provisioning to reach the group.
    const run = await awaitRunState(config, instanceGroupId(cell));
    const { backendProfile, awsDriver, runOneCell } = await loading;
    // From here on, the cell's own limits (its instance's registration, its task's time limit).
    testInfo.setTimeout(Date.now() - began + cellTestTimeoutMs(config));
    const state = awsDriver.readState(run.state);
    const connection = backendProfile(state.backend.backend).connect(state.backend);
    const { result, classification, instance } = await runOneCell(state, cell, {
      cellTimeoutMs: config.cellTimeoutMs,
      connection,
    });
    const ami = cell.dimensions.ami;
    const { agentVersion } = instance;
    const seen = `${ami}@${agentVersion ?? ''}`;
    if (!attachedMetadata.has(seen)) {
      attachedMetadata.add(seen);
      const own = { imageId: run.metadata.amis[ami]?.imageId ?? '', ...(agentVersion ? { agentVersion } : {}) };
      const metadata = { ...run.metadata, amis: { ...run.metadata.amis, [ami]: own } };
      await testInfo.attach(RUN_METADATA_ATTACHMENT, {
        body: JSON.stringify(metadata),
        contentType: 'application/json',
      });
    }
    await testInfo.attach('cell-result', { body: JSON.stringify(result), contentType: 'application/json' });
    expect(
      result.verdict,
      `expected ${cell.expected.outcome} (${cell.expected.rule}), got ${classification.outcome}: ${classification.evidence.decidedBy}`,
    ).toBe('pass');
  });
}
