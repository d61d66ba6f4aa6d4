/** What the AWS driver (driver.ts) takes and gives: a cell's evidence, its target, provisioning's context and progress, teardown's report. */
import type { CellEvidence } from '../../core/classify/evidence.ts';
import type { RunMetadata } from '../../core/results/results-schema.ts';
import type { RunConfig } from '../../core/run-config.ts';
import type { Connection } from '../backends/backend-record.ts';

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
  /** How long the instances may take to register (the backend profile's registrationLimitMs, taken now). */
  registrationLimitMs: number;
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
  /**
   * The instance could not be launched, or ended before its agent registered, for a reason named here (an
   * infrastructure error, not placement).
   */
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
