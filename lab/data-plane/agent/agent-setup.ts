import type { Dimensions } from '../../../core/matrix/dimensions.ts';
import type { StateChangeMode } from './ecs-backend.ts';
import type { SdkCredentials } from './net/instance-credentials.ts';

/**
 * One lab agent's configuration, the single type for it: what the launcher hands the agent process over
 * IPC (credentials never touch the disk) and what the agent starts with. The agent's own settings
 * (ECS_CLUSTER, ECS_ENABLE_TASK_IAM_ROLE …) are in `agentEnvironment`, parsed by the agent as the real one
 * parses its environment (ecs-config.ts); everything else here is where the agent runs and whom it talks to.
 */
export interface AgentSetup {
  instanceId: string;
  /** The instance's own files: the agent's log, audit log and task directories live under it. */
  rootDir: string;
  taskBridge: { name: string; gateway: string; prefixLength: number };
  controlPlaneEndpoint: string;
  /** The instance's region (IMDS): the agent's when AWS_DEFAULT_REGION is not set. */
  region: string;
  /** The environment the service manager (ecs-init) or `docker run` gave the agent. */
  agentEnvironment: Record<string, string>;
  /** The agent release the model plays where releases differ (credentials-server.ts). */
  agentVersion: Dimensions['agentVersion'];
  /** The lab's ECS-service identity: stands in for ACS and assumes task roles. */
  serviceIdentity: SdkCredentials;
  /** `submit` once the control plane implements SubmitTaskStateChange; `stop-task` for a plain moto. */
  stateChange: StateChangeMode;
  /** The image roots (buildImageRoots()). */
  imagesDir: string;
  /** `launcher`: task roles are assumed by the launcher (the control plane's helper lives there). */
  taskRoleIssuer: 'sts' | 'launcher';
  /** How long the agent waits between task polls where nothing pushes (ms). */
  pollIntervalMs?: number;
}

/** What the data plane decides for every agent it launches; the rest comes from each instance. */
export type FleetAgentSetup = Pick<AgentSetup, 'serviceIdentity' | 'stateChange' | 'imagesDir' | 'pollIntervalMs'>;
