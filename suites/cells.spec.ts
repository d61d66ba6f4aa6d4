import { expect, test } from '@playwright/test';
import { instanceGroupId } from '../core/matrix/instance-groups.ts';
import { CELL_RESULT_ATTACHMENT, RUN_METADATA_ATTACHMENT } from '../reports/reporter/cell-from-test.ts';
import { recordedBackend } from '../run/files/backend-file.ts';
import { readRunPlan } from '../run/files/plan-file.ts';
import { cellTestTimeoutMs, cellTimeoutOf, readRunConfig } from '../run/run-config.ts';
import { awaitRunState } from '../run/worker/await-run-state.ts';
import { MetadataOnce } from '../run/worker/metadata-once.ts';

// The plan was made once (by `ecs-taskrole run`, or the Playwright config): every process lists the same titles.
const config = readRunConfig();
const plan = readRunPlan(config);

test.describe.configure({ mode: 'parallel' });

/**
 * What runs a cell (the backend profiles, the driver, the AWS SDK): loaded by the first cell of each worker while it waits for
 * the run's state, not when Playwright lists the tests in its runner, before any worker starts.
 */
let loadedRunner: ReturnType<typeof loadCellRunner> | undefined;
const cellRunner = () => {
  loadedRunner ??= loadCellRunner();
  return loadedRunner;
};
const loadCellRunner = async () => {
  const [{ backendProfile }, { awsDriver }, { runOneCell }] = await Promise.all([
    import('../run/backends.ts'),
    import('../infra/aws/driver.ts'),
    import('../run/worker/run-cell.ts'),
  ]);
  // The backend's profile too (the lab's loads the simulator), while the cell waits.
  await backendProfile(config.backend, config.labAgent);
  return { backendProfile, awsDriver, runOneCell };
};

const metadata = new MetadataOnce();

/**
 * Once per worker, after its last cell (a failed cell's worker too, before it is replaced): the SDK clients its
 * cells shared are destroyed, so no socket to AWS or the lab outlives the worker. A worker fixture, not an
 * `afterAll` hook: Playwright splits a parallel file that has beforeAll/afterAll hooks into one fixed chunk of
 * tests per worker up front, so a worker whose chunk held the short cells sat idle while another ran the long
 * ones (measured: 2 workers, wall/floor 1.7 instead of 1.2).
 */
const cellTest = test.extend<object, { closeClientsAtWorkerEnd: undefined }>({
  closeClientsAtWorkerEnd: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      await use(undefined);
      // A runner that failed to load made no client (its cell failed with that error).
      const runner = await loadedRunner?.catch(() => undefined);
      runner?.awsDriver.closeWorker();
    },
    { scope: 'worker', auto: true },
  ],
});

// Declared in plan.json's runOrder: Playwright hands tests to free workers in this order.
const cellsById = new Map(plan.cells.map((cell) => [cell.id, cell]));
for (const cell of plan.runOrder.flatMap((id) => cellsById.get(id) ?? [])) {
  cellTest(cell.id, { annotation: { type: 'cell', description: cell.id } }, async () => {
    const testInfo = cellTest.info();
    const began = Date.now();
    const loading = cellRunner();
    // Under `ecs-taskrole run` the cells start with the run: this waits for provisioning to reach the group.
    const run = await awaitRunState(config, instanceGroupId(cell));
    const { backendProfile, awsDriver, runOneCell } = await loading;
    const state = awsDriver.readState(run.state);
    const record = recordedBackend(config);
    const profile = await backendProfile(record.backend, config.labAgent);
    // From here on, the cell's own limits (its instance's registration, its task's time limit).
    testInfo.setTimeout(Date.now() - began + cellTestTimeoutMs(config, profile));
    const connection = profile.connect(record);
    const { result, classification, instance } = await runOneCell(state, cell, {
      cellTimeoutMs: cellTimeoutOf(config, profile),
      connection,
    });
    const seen = metadata.unseen(run.metadata, cell.dimensions.ami, instance.agentVersion);
    if (seen)
      await testInfo.attach(RUN_METADATA_ATTACHMENT, { body: JSON.stringify(seen), contentType: 'application/json' });
    await testInfo.attach(CELL_RESULT_ATTACHMENT, { body: JSON.stringify(result), contentType: 'application/json' });
    expect(
      result.verdict,
      `expected ${cell.expected.outcome} (${cell.expected.rule}), got ${classification.outcome}: ${classification.evidence.decidedBy}`,
    ).toBe('pass');
  });
}
