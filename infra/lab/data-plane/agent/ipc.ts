/** Messages between the agent launcher (parent) and the agent process (agent-main.ts). */
import type { AgentEvent } from './agent.ts';
import type { RoleCredentials } from './credentials/credentials-store.ts';
import type { StateChangeMode } from './ecs-backend.ts';
import type { SdkCredentials } from './net/instance-credentials.ts';

export interface AgentProcessConfig {
  instanceId: string;
  rootDir: string;
  taskBridge: { name: string; gateway: string; prefixLength: number };
  controlPlaneEndpoint: string;
  region: string;
  agentEnvironment: Record<string, string>;
  serviceIdentity: SdkCredentials;
  stateChange: StateChangeMode;
  imagesDir: string;
  /** `launcher`: task roles are assumed by the launcher (the control plane's helper lives there). */
  taskRoleIssuer: 'sts' | 'launcher';
  pollIntervalMs?: number;
}

export type ParentMessage =
  | { type: 'config'; config: AgentProcessConfig }
  | { type: 'stop' }
  | { type: 'address'; requestId: string; address: string }
  | {
      type: 'assumed-role';
      requestId: string;
      credentials?: RoleCredentials;
      notAssumable?: boolean;
      error?: string;
    };

export type ChildMessage =
  | { type: 'hello' }
  | { type: 'started' }
  | { type: 'start-failed'; error: string }
  | { type: 'stopped' }
  | { type: 'event'; event: AgentEvent }
  | { type: 'address-request'; requestId: string }
  | { type: 'release-address'; address: string }
  | { type: 'assume-role'; requestId: string; roleArn: string; sessionName: string };
