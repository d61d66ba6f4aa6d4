/**
 * The AgentLauncher the host simulator calls when an instance's "ecs" service starts: runs agent-main.ts
 * inside the instance's network namespace (an in-process server could not listen there), feeds it its
 * configuration over IPC, answers its address, ENI and assume-role requests, and stops it (and every task
 * process it started) on `stop()`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { moduleFile } from '../../../infra/files/module-file.ts';
import type { AgentLauncher, HostView, RunningAgent, TaskEni } from '../contracts.ts';
import type { AgentEvent } from './agent.ts';
import type { AgentSetup, FleetAgentSetup } from './agent-setup.ts';
import { RoleNotAssumableError, type TaskRoleIssuer } from './ecs-backend.ts';
import type { ChildMessage, ParentMessage } from './ipc.ts';

const AGENT_MAIN = moduleFile('./agent-main.ts', import.meta.url);
const STOP_TIMEOUT_MS = 20_000;

export interface LabAgentLauncherOptions extends FleetAgentSetup {
  /** The control plane's `assumeRoleAs('ecs-tasks', …)`; without it the agent calls STS AssumeRole itself. */
  issueTaskRoleCredentials?: TaskRoleIssuer;
  /** The agent's program: buildAgentBundle()'s file. Default: agent-main.ts itself. */
  program?: string;
  onEvent?: (host: HostView, event: AgentEvent) => void;
}

export interface LabRunningAgent extends RunningAgent {
  /** PID of the agent process (in the root PID namespace). */
  pid: number | undefined;
  /** Resolves with the container instance ARN once the agent registered. */
  registered: Promise<string>;
  events: AgentEvent[];
}

export function createLabAgentLauncher(options: LabAgentLauncherOptions): AgentLauncher {
  return (host) => launchLabAgent(host, options);
}

export async function launchLabAgent(host: HostView, options: LabAgentLauncherOptions): Promise<LabRunningAgent> {
  const subprocess = spawnAgent(host, options);
  const pid = subprocess.pid;
  const events: AgentEvent[] = [];
  const registration = deferred<string>();
  // The agent may be gone (crashed, killed): execa then throws synchronously.
  const send = async (message: ParentMessage) => {
    try {
      await subprocess.sendMessage(message);
    } catch {
      // nothing to tell a process that is not there
    }
  };
  const agent: AgentConversation = { host, options, config: agentSetupFor(host, options), events, registration, send };
  const listening = (async () => {
    for await (const message of subprocess.getEachMessage()) await answer(agent, message as ChildMessage);
  })().catch(() => undefined);
  const exited = subprocess.then(() => {
    registration.reject(new Error(`lab agent on ${host.instanceId} exited`));
  });

  return {
    pid,
    registered: registration.promise,
    events,
    async stop() {
      await send({ type: 'stop' });
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
      // A clean stop ends with the process exiting; a dead agent has exited already.
      await Promise.race([exited, timeout]);
      // Whatever is left of the agent's process group (tasks included) goes now.
      if (pid !== undefined) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
      await listening;
    },
  };
}

/** The agent process in the instance's network namespace, its output appended to the agent's output log. */
function spawnAgent(host: HostView, options: LabAgentLauncherOptions) {
  const logDir = join(host.rootDir, 'var/log/ecs');
  mkdirSync(logDir, { recursive: true });
  const output = { file: join(logDir, 'ecs-agent.output.log'), append: true } as const;
  return execa('ip', ['netns', 'exec', host.netns, process.execPath, options.program ?? AGENT_MAIN], {
    ipc: true,
    detached: true, // own process group: stop() can take every task process along
    reject: false,
    stdin: 'ignore',
    stdout: output,
    stderr: output,
  });
}

/** The configuration the agent asks for with its hello. */
function agentSetupFor(host: HostView, options: LabAgentLauncherOptions): AgentSetup {
  return {
    instanceId: host.instanceId,
    rootDir: host.rootDir,
    taskBridge: host.taskBridge,
    controlPlaneEndpoint: host.controlPlaneEndpoint,
    region: host.region,
    agentEnvironment: host.agentEnvironment,
    agentVersion: host.agentVersion,
    serviceIdentity: options.serviceIdentity,
    stateChange: options.stateChange,
    imagesDir: options.imagesDir,
    taskRoleIssuer: options.issueTaskRoleCredentials ? 'launcher' : 'sts',
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

/** A promise settled from outside; an unawaited rejection is not an unhandled one. */
function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** What the launcher's side of the IPC conversation with one agent holds. */
interface AgentConversation {
  host: HostView;
  options: LabAgentLauncherOptions;
  config: AgentSetup;
  events: AgentEvent[];
  registration: Deferred<string>;
  send(message: ParentMessage): Promise<void>;
}

/** Answers one message of the agent: its configuration, its events, and what the host or STS gives it. */
async function answer(agent: AgentConversation, message: ChildMessage): Promise<void> {
  const { host, options, send } = agent;
  switch (message.type) {
    case 'hello':
      return send({ type: 'config', config: agent.config });
    case 'event':
      agent.events.push(message.event);
      if (message.event.type === 'registered') agent.registration.resolve(message.event.containerInstanceArn);
      options.onEvent?.(host, message.event);
      return;
    case 'start-failed':
      agent.registration.reject(new Error(`lab agent on ${host.instanceId} did not start: ${message.error}`));
      return;
    case 'stopped':
      return;
    case 'address-request':
      return send({ type: 'address', requestId: message.requestId, address: host.allocateTaskAddress() });
    case 'release-address':
      host.releaseTaskAddress(message.address);
      return;
    case 'eni-request':
      return send({ type: 'eni', requestId: message.requestId, ...(await attachEni(host)) });
    case 'release-eni':
      await host.detachTaskEni?.(message.id).catch(() => undefined);
      return;
    case 'assume-role':
      return send({ type: 'assumed-role', requestId: message.requestId, ...(await assume(options, message)) });
    default:
      return;
  }
}

async function attachEni(host: HostView): Promise<{ eni?: TaskEni; error?: string }> {
  if (!host.attachTaskEni) return { error: 'this host cannot attach ENIs' };
  try {
    return { eni: await host.attachTaskEni() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function assume(
  options: LabAgentLauncherOptions,
  message: { roleArn: string; sessionName: string },
): Promise<Omit<Extract<ParentMessage, { type: 'assumed-role' }>, 'type' | 'requestId'>> {
  try {
    const issue = options.issueTaskRoleCredentials;
    if (!issue) return { error: 'no task-role issuer in the launcher' };
    return { credentials: await issue(message.roleArn, message.sessionName) };
  } catch (error) {
    if (error instanceof RoleNotAssumableError) return { notAssumable: true };
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
