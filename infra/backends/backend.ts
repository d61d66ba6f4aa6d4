import type { CellEvidence } from '../../core/classify/evidence.ts';
import type { Plan, PlannedCell } from '../../core/plan/plan.ts';
import type { RunMetadata } from '../../core/results/results-schema.ts';
import type { RunConfig } from '../../run/run-config.ts';

/** What the task printed and ECS said about it, before classification. */
export type TaskEvidence = Pick<CellEvidence, 'logLines' | 'exitCode' | 'failures' | 'stoppedReason'> & {
  taskArn?: string;
  taskDefinition?: unknown;
  /** ECS startedAt → stoppedAt of the task. */
  taskRunMs?: number;
};

/** The cell's time limit passed: the driver stopped the task; `evidence` is what was seen until then. */
export class CellTimeoutError extends Error {
  readonly evidence: TaskEvidence;
  constructor(evidence: TaskEvidence) {
    super(`cell time limit reached${evidence.taskArn ? ` (task ${evidence.taskArn} stopped)` : ''}`);
    this.name = 'CellTimeoutError';
    this.evidence = evidence;
  }
}

/** Which instance and roles one cell uses, read from the provisioned state. */
export interface CellTarget {
  instanceGroup: string;
  instanceId?: string;
  amiId?: string;
  taskRoleArn?: string;
  instanceRoleArn: string;
}

/**
 * The seam between the Playwright suites (one process per worker) and a backend's driver. Provisioned
 * state is plain JSON so the setup, cell and teardown processes can share it through a file.
 */
export interface Driver<State = unknown> {
  provision(
    plan: Plan,
    config: RunConfig,
    log: (line: string) => void,
  ): Promise<{ state: State; metadata: RunMetadata }>;
  targetOf(state: State, cell: PlannedCell): CellTarget;
  /**
   * Waits (before the cell's time limit starts) until the cell's instance can take tasks; resolves with
   * why it cannot (none launched, its agent never registered: the cell is NOT_PLACED without a RunTask),
   * or undefined.
   */
  awaitInstance(state: State, cell: PlannedCell): Promise<string | undefined>;
  runCell(state: State, cell: PlannedCell, options: { signal: AbortSignal }): Promise<TaskEvidence>;
  /** Deletes what the run created; returns what it could not delete. */
  teardown(state: State, log: (line: string) => void): Promise<string[]>;
}
