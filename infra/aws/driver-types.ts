import type { CellEvidence } from '../../core/classify/evidence.ts';
import type { PlannedCell } from '../../core/plan/plan.ts';
import type { RunPlan } from '../../core/plan/plan-file.ts';
import type { RunMetadata } from '../../core/results/results-schema.ts';
import type { RunConfig } from '../../core/run-config.ts';
import type { Connection } from '../backends/backend-record.ts';
import type { RunJournal } from './journal.ts';

/** What the task printed and ECS said about it, before classification. */
export type TaskEvidence = Pick<
  CellEvidence,
  'logLines' | 'exitCode' | 'failures' | 'stoppedReason' | 'runTaskRefusal'
> & {
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

/** Provisioning stopped because the run was interrupted; what it created is in the journal. */
export class ProvisioningInterrupted extends Error {
  constructor() {
    super('provisioning interrupted');
    this.name = 'ProvisioningInterrupted';
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

export interface ProvisionContext {
  config: RunConfig;
  connection: Connection;
  /** The journal file to start; every create is recorded in it before it is sent. */
  journalFile: string;
  backend: RunJournal['backend'];
  /** Aborted when the run is interrupted: no new create starts, waits end. */
  signal: AbortSignal;
  log: (line: string) => void;
  /**
   * Hands the cells what exists so far: called once the instances are launched (cells start as their own
   * instance registers), then each time a group in `settling` (an instance still being rebooted) is done;
   * the last call of a provisioning that succeeded has nothing settling.
   */
  publish(progress: ProvisionProgress<unknown>): void;
}

/** Provisioned state as far as it goes: the cells of a group in `settling` must not start yet. */
export interface ProvisionProgress<State> {
  state: State;
  metadata: RunMetadata;
  settling: string[];
}

/** Whether a cell's instance can take tasks: why not, or the agent version it registered with. */
export interface InstanceReadiness {
  notRegistered?: string;
  /** The instance could not be launched, for a reason named here (an infrastructure error, not placement). */
  notLaunched?: string;
  agentVersion?: string;
}

export interface TeardownReport {
  runId: string;
  deleted: string[];
  /** What could not be deleted, with why (sweep --run finds them later). */
  leftovers: string[];
  /** The run's journal never recorded a create (it failed first): nothing was looked for or deleted. */
  nothingCreated?: boolean;
  /** Carry the run's tag but are not the run's (another name, not its instance profile): left untouched. */
  notOurs?: string[];
}

/**
 * The seam between the run's lifecycle and a backend's APIs. Provisioned state is plain JSON so the
 * lifecycle and the cell workers (one process each) can share it through a file.
 */
export interface Driver<State = unknown> {
  /** Validates provisioned state read back from `--out/run-state.json`. */
  readState(value: unknown): State;
  /** Creates what the plan needs; what the cells need reaches them through `context.publish` (last: nothing settling). */
  provision(plan: RunPlan, context: ProvisionContext): Promise<void>;
  targetOf(state: State, cell: PlannedCell): CellTarget;
  /**
   * Waits (before the cell's time limit starts) until the cell's instance can take tasks; resolves with
   * why it cannot (none launched, its agent never registered: the cell is NOT_PLACED without a RunTask),
   * or with the agent version it registered (the run's metadata).
   */
  awaitInstance(state: State, cell: PlannedCell): Promise<InstanceReadiness>;
  runCell(state: State, cell: PlannedCell, options: { signal: AbortSignal }): Promise<TaskEvidence>;
  /**
   * The tail of the console of the cell's instance (evidence only, never classified); undefined when no
   * instance was launched. Read once per instance per process, never rejects.
   */
  instanceConsole(state: State, cell: PlannedCell): Promise<string | undefined>;
  /** Deletes what the journal says may exist, then anything else carrying the run's tag. Idempotent. */
  teardown(journal: RunJournal, connection: Connection, log: (line: string) => void): Promise<TeardownReport>;
}
