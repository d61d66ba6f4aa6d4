import { cellResult } from '../../core/cell-result.ts';
import { type Classification, classify } from '../../core/classify/classify.ts';
import type { CellEvidence } from '../../core/classify/evidence.ts';
import { readsImdsMetadata } from '../../core/matrix/dimensions.ts';
import type { PlannedCell } from '../../core/plan/plan.ts';
import { imdsMetadataOf } from '../../core/results/imds-metadata.ts';
import type { CellDetails, CellResult } from '../../core/results/results-schema.ts';
import { seedInstallOf } from '../../core/results/seed-install.ts';
import type { AwsRunState } from '../../infra/aws/driver.ts';
import { awsDriver as driver } from '../../infra/aws/driver.ts';
import { CellTimeoutError, type InstanceReadiness, type TaskEvidence } from '../../infra/aws/driver-types.ts';
import type { Connection } from '../../infra/backends/backend-record.ts';
import { runsSeedImage } from '../../infra/task-definition/client-container.ts';

/**
 * One cell, as its test in suites/cells.spec.ts runs it (specs drive it the same way): wait for the
 * instance, run the known-good task within the time limit, classify what it showed, then read the
 * instance's console (evidence for the reader only: the classification is made before it is read).
 */
export async function runOneCell(
  state: AwsRunState,
  cell: PlannedCell,
  options: { cellTimeoutMs: number; connection: Connection },
): Promise<{ result: CellResult; classification: Classification; instance: InstanceReadiness }> {
  const started = Date.now();
  const target = driver.targetOf(state, cell);
  const base = { taskRoleArn: target.taskRoleArn, instanceRoleArn: target.instanceRoleArn };

  const instance = await driver.awaitInstance(state, cell, options.connection);
  const signal = AbortSignal.timeout(options.cellTimeoutMs);
  const evidence: CellEvidence & Partial<TaskEvidence> = instance.notLaunched
    ? { ...base, logLines: [], failures: [], harnessError: instance.notLaunched }
    : instance.notRegistered
      ? { ...base, logLines: [], failures: [], instanceNotRegistered: instance.notRegistered }
      : await driver.runCell(state, cell, { signal, connection: options.connection }).then(
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
  const console = await driver.instanceConsole(state, cell, options.connection);
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
      ...(console === undefined ? {} : { console }),
      ...taskChecks(cell, evidence.logLines),
    },
    Date.now() - started,
  );
  return { result, classification, instance };
}

/**
 * What the task reported of its own checks beside the credentials: its metadata read, the seed's install;
 * read only where the cell's task runs that check, so no other task's output can pass for one.
 */
function taskChecks(cell: PlannedCell, logLines: readonly string[]): Pick<CellDetails, 'imdsMetadata' | 'seedInstall'> {
  const { process, taskMemory, client } = cell.dimensions;
  const imdsMetadata = readsImdsMetadata(process) ? imdsMetadataOf(logLines) : undefined;
  const seedInstall = taskMemory === 'seed' && runsSeedImage(client) ? seedInstallOf(logLines) : undefined;
  return { ...(imdsMetadata ? { imdsMetadata } : {}), ...(seedInstall ? { seedInstall } : {}) };
}
