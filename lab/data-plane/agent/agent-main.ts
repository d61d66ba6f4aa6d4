/**
 * The agent process: `ip netns exec <instance netns> node agent-main.ts`, started by the launcher with an
 * IPC channel. It asks the launcher for its configuration (credentials never touch the disk), for task
 * addresses on the bridge and, when the launcher holds the control plane's helper, for task-role
 * credentials; it reports registration and task events; `{type:'stop'}` stops it.
 */
import { getEachMessage, sendMessage } from 'execa';
import { loadImageRoots } from '../../images/image-roots.ts';
import { AgentConfigError, type AgentEvent, type LabAgent, startLabAgent } from './agent.ts';
import type { AgentSetup } from './agent-setup.ts';
import type { RoleCredentials } from './credentials/credentials-store.ts';
import { RoleNotAssumableError } from './ecs-backend.ts';
import type { ParentMessage } from './ipc.ts';

const pending = new Map<string, (message: ParentMessage) => void>();
let nextRequest = 0;
let agent: LabAgent | undefined;
let stopRequested = false;

function request(message: { type: 'address-request' | 'eni-request' | 'assume-role'; [key: string]: unknown }) {
  const requestId = String(nextRequest++);
  return new Promise<ParentMessage>((resolve) => {
    pending.set(requestId, resolve);
    void sendMessage({ ...message, requestId });
  });
}

async function start(config: AgentSetup): Promise<void> {
  const emit = (event: AgentEvent) => void sendMessage({ type: 'event', event });
  try {
    agent = await startLabAgent(config, {
      images: loadImageRoots(config.imagesDir),
      addresses: {
        allocate: async () => {
          const reply = await request({ type: 'address-request' });
          if (reply.type !== 'address') throw new Error('no task address from the host');
          return reply.address;
        },
        release: (address) => void sendMessage({ type: 'release-address', address }),
      },
      enis: {
        attach: async () => {
          const reply = await request({ type: 'eni-request' });
          if (reply.type !== 'eni' || !reply.eni)
            throw new Error(`no ENI from the host: ${reply.type === 'eni' ? reply.error : reply.type}`);
          return reply.eni;
        },
        detach: (id) => void sendMessage({ type: 'release-eni', id }),
      },
      ...(config.taskRoleIssuer === 'launcher'
        ? {
            issueTaskRoleCredentials: async (roleArn: string, sessionName: string): Promise<RoleCredentials> => {
              const reply = await request({ type: 'assume-role', roleArn, sessionName });
              if (reply.type !== 'assumed-role') throw new Error('unexpected reply to assume-role');
              if (reply.credentials) return reply.credentials;
              if (reply.notAssumable) throw new RoleNotAssumableError(roleArn);
              throw new Error(reply.error ?? 'assume-role failed');
            },
          }
        : {}),
      emit,
    });
    await sendMessage({ type: 'started' });
    if (stopRequested) await shutdown();
  } catch (error) {
    await sendMessage({ type: 'start-failed', error: error instanceof Error ? error.message : String(error) });
    process.exitCode = error instanceof AgentConfigError ? 5 : 1;
    process.disconnect?.();
  }
}

async function shutdown(): Promise<void> {
  await agent?.stop();
  await sendMessage({ type: 'stopped' });
  process.disconnect?.();
}

await sendMessage({ type: 'hello' });
// The launcher's process is gone (crash, kill): stop the tasks and exit rather than run unattended.
process.once('disconnect', () => {
  const running = agent;
  if (!stopRequested && running) void running.stop().finally(() => process.exit(1));
});
for await (const raw of getEachMessage()) {
  const message = raw as ParentMessage;
  if (message.type === 'config') void start(message.config);
  else if (message.type === 'stop') {
    stopRequested = true;
    if (agent) {
      await shutdown();
      break;
    }
  } else if ('requestId' in message) {
    pending.get(message.requestId)?.(message);
    pending.delete(message.requestId);
  }
}
