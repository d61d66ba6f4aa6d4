/**
 * The backend seam: one profile object per backend (the lab's in lab/lab-profile.ts, LocalStack's in
 * lab/localstack/localstack-profile.ts, AWS's in aws.ts beside this file), picked by name in run/backends.ts
 * (which loads the lab's and LocalStack's only when one is chosen). Everything that differs between backends
 * is here, its figures included; the driver (infra/aws) is the same for all of them and only sees a
 * Connection and the figures provisioning is handed.
 */
import type { Dimensions } from '../../core/matrix/dimensions.ts';
import type { BackendName, LabAgent } from '../../core/run-config.ts';
import type { BackendRecord, Connection } from './backend-record.ts';

export interface OpenOptions {
  region: string;
  /** The run's output directory (the LocalStack backend writes its data plane's log there). */
  outDir: string;
  log: (line: string) => void;
  /** The matrix's proxy URL for proxy cells on AWS (ECS_TASKROLE_PROXY_URL overrides it). */
  proxyUrl?: string;
  /** The process that holds the run for its whole length (the lab's lease is in its name). */
  holderPid?: number;
  /** The lab's ECS agent (`run --lab-agent`); other backends have none to choose. */
  labAgent?: LabAgent;
}

/**
 * A backend open for one run: its record (written to `--out/backend.json` for the run's other processes),
 * a connection for this process, and `close`, which undoes what `open` started (and nothing else: a lab
 * this run did not start stays up).
 */
export interface OpenedBackend {
  record: BackendRecord;
  connection: Connection;
  close(): Promise<void>;
}

/** What a host-side cleanup of simulated networks removed (`sweep` prints it). */
export interface HostCleanup {
  prefixes: string[];
  skippedUnrecorded: { prefix: string; reason: string }[];
}

/** What `prepare` reads of the plan: which clients its cells run. */
export interface PlanNeeds {
  cells: readonly { dimensions: Pick<Dimensions, 'client'> }[];
}

export interface BackendProfile {
  readonly name: BackendName;
  /**
   * It lives in the process that opened it (`ecs-taskrole run`): `npx playwright test` alone cannot hold it,
   * and `--keep` cannot leave it up.
   */
  readonly livesInRunProcess: boolean;
  /**
   * A cell's time limit when the run names none (`--cell-timeout`). On AWS the first task on an instance
   * pulls its image and every task installs its client before the client's own retries.
   */
  readonly cellTimeoutMs: number;
  /** The most an instance's agent may take to register: a cell's own test limit allows for it. */
  readonly registrationTimeoutMs: number;
  /** The registration limit of a run provisioned now: at most registrationTimeoutMs. */
  registrationLimitMs(): number;
  /** What each instance is, in the estimate `run` prints: an EC2 instance type on AWS, else a simulated host. */
  readonly instanceType: string;
  /**
   * Its instances run the lab's ECS agent, whose kind `--lab-agent` chooses (model or real); elsewhere the
   * agent is the one the AMI brings (LocalStack's data plane runs the lab's model, with no choice).
   */
  readonly choosesLabAgent: boolean;
  /** Bad input of the environment, refused before a plan or anything else exists (exit 2). */
  checkEnvironment(env: NodeJS.ProcessEnv): void;
  /** What this machine needs before `open` for this plan (system packages, the lab's moto, clients), fetched or found. */
  prepare(log: (line: string) => void, plan: PlanNeeds): Promise<void>;
  open(options: OpenOptions): Promise<OpenedBackend>;
  /** The connection of any process of the run, from the recorded backend alone (credentials found here). */
  connect(record: BackendRecord, env?: NodeJS.ProcessEnv): Connection;
  /** Closes the backend from its record, in whichever process ends the run. */
  closeRecorded(record: BackendRecord): Promise<void>;
  /** The backend outside any run (`sweep`); undefined when there is nothing to look at (no lab running). */
  standaloneRecord(region: string, env?: NodeJS.ProcessEnv): Promise<BackendRecord | undefined>;
  /** `run --keep`: keeps the backend up with the run's resources past the run (a lab: until `lab down`). */
  keepRecorded?(record: BackendRecord): Promise<void>;
  /** `sweep`: removes what dead simulators left on this host (network namespaces, links); none on AWS. */
  cleanupHost?(options: { dryRun: boolean }): Promise<HostCleanup>;
  /**
   * How many cells run at once when `--workers` is not given (`run`, a direct Playwright run, the bench): what
   * bounds a cell here (AWS: one instance's task memory; the lab: this machine's free CPU, sampled now).
   */
  defaultWorkers(): Promise<number>;
}
