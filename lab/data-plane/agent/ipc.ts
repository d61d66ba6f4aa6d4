/** Messages between the agent launcher (parent) and the agent process (agent-main.ts). */

import type { TaskEni } from '../contracts.ts';
import type { AgentEvent } from './agent.ts';
import type { AgentSetup } from './agent-setup.ts';
import type { RoleCredentials } from './credentials/credentials-store.ts';

export type ParentMessage =
  | { type: 'config'; config: AgentSetup }
  | { type: 'stop' }
  | { type: 'address'; requestId: string; address: string }
  | { type: 'eni'; requestId: string; eni?: TaskEni; error?: string }
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
  | { type: 'eni-request'; requestId: string }
  | { type: 'release-eni'; id: string }
  | { type: 'assume-role'; requestId: string; roleArn: string; sessionName: string };
