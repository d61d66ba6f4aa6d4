import type { AgentLauncher, HostView } from '../contracts.ts';

import type {
  AssumedImdsCredentials,
  ImdsCredentials,
  ImdsNetworkInterface,
  ImdsOptions,
} from '../network/vpc/instance-metadata.ts';
import type { AmiProfileName } from './ami-profiles.ts';

export type { AssumedImdsCredentials, ImdsCredentials, ImdsOptions };

/** One EC2 instance to boot on this machine. */
export interface HostSpec {
  instanceId: string;
  amiProfile: AmiProfileName;
  /** Decoded user data (a shell script, `#cloud-boothook`, or MIME multipart); empty for none. */
  userData: string;
  region: string;
  /** Control plane as reachable from the lab (host: the lab's controlPlaneAddress). */
  controlPlane: { host: string; port: number };
  /** The instance profile role's credentials as IMDS serves them; resolve to undefined for no profile. */
  imdsCredentials: () => Promise<ImdsCredentials | undefined>;
  launchAgent: AgentLauncher;
  /** The instance shut itself down (`shutdown`, `poweroff`): EC2 stops or terminates it. Default: the host goes away. */
  onPowerOff?: () => void | Promise<void>;
  /** EC2 metadata options; default tokens optional, hop limit 2 (see docs/lab-differences.md). */
  imds?: Partial<ImdsOptions>;
  accountId?: string;
  imageId?: string;
  instanceType?: string;
  availabilityZone?: string;
  /** Its primary ENI as EC2 describes it (IMDS `mac`, `network/interfaces/macs/…`); none: those paths are 404. */
  primaryInterface?: ImdsNetworkInterface;
  /**
   * Where the instance's console is written (the control plane's GetConsoleOutput reads it there); default
   * the instance's own folder, removed with it. Outside that folder it outlives the instance, as on EC2.
   */
  consoleLog?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A booted instance: the agent's HostView plus lifecycle and inspection. */
export interface InstanceHandle extends HostView {
  /** The instance's private address on the lab network. */
  privateIp: string;
  amiProfile: AmiProfileName;
  /** PID of the process holding the instance's namespaces (changes on reboot). */
  readonly initPid: number;
  /** ecs-init's own environment at its last start (not the agent's). */
  readonly ecsInitEnvironment: Record<string, string>;
  /** Runs a command as root inside the instance (its network, filesystem view, hostname). */
  exec(file: string, args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** A path of the instance's filesystem view, as the host can read it. */
  instancePath(path: string): string;
  /** Output of the user data scripts (cloud-init-output.log). */
  userDataOutput(): Promise<string>;
  /** The instance's console: boot steps, service changes, shim calls and the user data's output. */
  consoleOutput(): Promise<string>;
  /** Whether the `ecs` service (or a `docker run` agent) is running. */
  agentRunning(): boolean;
  reboot(): Promise<void>;
  /** Stops the agent and removes the instance (namespaces, processes, files). Idempotent. */
  shutdown(): Promise<void>;
}
