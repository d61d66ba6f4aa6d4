import { expect, test } from '@playwright/test';
import { cellResult } from '../core/cell-result.ts';
import { classify } from '../core/classify/classify.ts';
import type { CellEvidence } from '../core/classify/evidence.ts';
import { CellTimeoutError, type TaskEvidence } from '../infra/backends/driver.ts';
import { driverFor } from '../run/drivers.ts';
import { readRunPlan } from '../run/plan-file.ts';
import { readRunConfig } from '../run/run-config.ts';
import { readRunState } from '../run/run-state.ts';

// The plan was made once (by `ecs-taskrole run`, or the Playwright config): every process lists the same titles.
const config = readRunConfig();
const plan = readRunPlan(config);

test.describe.configure({ mode: 'parallel' });

// Declared longest first (plan.json's runOrder): Playwright hands tests to free workers in this order.
const cellsById = new Map(plan.cells.map((cell) => [cell.id, cell]));
for (const cell of plan.runOrder.flatMap((id) => cellsById.get(id) ?? [])) {
  test(cell.id, { annotation: { type: 'cell', description: cell.id } }, async () => {
    const testInfo = test.info();
    const started = Date.now();
    const run = readRunState(config);
    if (!run) throw new Error('no provisioned state: the setup project did not run or failed');
    const driver = driverFor(config.backend);
    const state = driver.readState(run.state);
    const target = driver.targetOf(state, cell);
    const base = { taskRoleArn: target.taskRoleArn, instanceRoleArn: target.instanceRoleArn };

    const notRegistered = await driver.awaitInstance(state, cell);
    const signal = AbortSignal.timeout(config.cellTimeoutMs);
    const evidence: CellEvidence & Partial<TaskEvidence> = notRegistered
      ? { ...base, logLines: [], failures: [], instanceNotRegistered: notRegistered }
      : await driver.runCell(state, cell, { signal }).then(
          (task) => ({ ...base, ...task }),
          (error: unknown) =>
            signal.aborted
              ? {
                  ...base,
                  ...(error instanceof CellTimeoutError ? error.evidence : { logLines: [], failures: [] }),
                  timedOut: true,
                }
              : { ...base, logLines: [], failures: [], harnessError: String(error) },
        );
    const classification = classify(evidence);
    const result = cellResult(
      cell,
      classification,
      {
        instanceGroup: target.instanceGroup,
        instanceId: target.instanceId,
        amiId: target.amiId,
        taskArn: evidence.taskArn,
        taskDefinition: evidence.taskDefinition,
        stoppedReason: evidence.stoppedReason,
        exitCode: evidence.exitCode,
        taskRunMs: evidence.taskRunMs,
        failures: [...evidence.failures],
        log: [...evidence.logLines],
      },
      Date.now() - started,
    );
    await testInfo.attach('cell-result', { body: JSON.stringify(result), contentType: 'application/json' });
    expect(
      result.verdict,
      `expected ${cell.expected.outcome} (${cell.expected.rule}), got ${classification.outcome}: ${classification.evidence.decidedBy}`,
    ).toBe('pass');
  });
}
