/**
 * The lab's ECS agent, running inside the instance's network namespace: takes its configuration from the
 * environment the service manager gives it (ecs-init: its defaults + ecs.config), serves the credentials endpoint on 127.0.0.1:51679,
 * registers the container instance with the instance role from IMDS (retrying like the agent's restarts),
 * then polls for the tasks ECS placed on it and runs them.
 */

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { PROJECT_ROOT, PYENV_PYTHON_ROOT } from '../../images/catalog.ts';
import type { LabImages } from '../../images/image-roots.ts';
import { labNodeModules } from '../../images/node-packages.ts';
import type { TaskEni } from '../contracts.ts';
import type { AgentSetup } from './agent-setup.ts';
import { agentAttributes } from './capabilities.ts';
import { AuditLog } from './credentials/audit-log.ts';
import { CREDENTIALS_PORT, startCredentialsServer } from './credentials/credentials-server.ts';
import { TaskCredentialsStore } from './credentials/credentials-store.ts';
import { TollboothLimiter } from './credentials/rate-limiter.ts';
import { EcsBackend, type TaskRoleIssuer } from './ecs-backend.ts';
import { type AgentConfig, parseAgentConfig } from './ecs-config.ts';
import { ImdsClient } from './net/imds-client.ts';
import { instanceCredentialsProvider } from './net/instance-credentials.ts';
import { type TaskEvent, TaskManager } from './task-manager.ts';
import { EcsBridge } from './tasks/awsvpc-network.ts';
import { serveDockerSocket } from './tasks/docker-socket.ts';
import { instanceDockerSocket } from './tasks/host-volumes.ts';
import { memoryCgroupsAt } from './tasks/memory-cgroup.ts';

export type AgentEvent =
  | { type: 'config-error'; errors: string[] }
  | { type: 'registration-failed'; error: string; attempt: number }
  | { type: 'registered'; containerInstanceArn: string; attributes: string[] }
  | TaskEvent;

/** What the agent process provides the agent with besides its setup: images, task addresses, events. */
export interface AgentRuntime {
  images: LabImages;
  addresses: { allocate(): Promise<string>; release(address: string): void };
  /** ENIs for awsvpc tasks, attached by the host (EC2); absent: awsvpc tasks cannot start. */
  enis?: { attach(): Promise<TaskEni>; detach(id: string): void };
  issueTaskRoleCredentials?: TaskRoleIssuer;
  credentialsPort?: number;
  emit(event: AgentEvent): void;
}

export interface LabAgent {
  stop(): Promise<void>;
}

export class AgentConfigError extends Error {}

type AgentLog = (level: string, message: string) => void;

/** The agent's run between start and stop: its registration, and whether it is stopping. */
interface AgentRun {
  containerInstanceArn: string;
  stopping: boolean;
}

export async function startLabAgent(setup: AgentSetup, runtime: AgentRuntime): Promise<LabAgent> {
  const log = agentLog(setup.rootDir);
  const config = loadConfig(setup, runtime, log);
  const imds = new ImdsClient(config.proxy);
  const region = config.region ?? setup.region;
  const agentRun: AgentRun = { containerInstanceArn: '', stopping: false };
  const { store, audit, endpoint } = await startCredentialsEndpoint(setup, runtime, config, agentRun);
  const backend = ecsBackend(setup, runtime, config, imds);
  const logs = daemonLogsClient(setup, region);
  const keepUnderRoot = taskKeepUnderRoot(runtime);
  // The instance's dockerd socket, which tasks may mount (the lab's agent plays Docker for its tasks).
  const dockerSocket = await serveDockerSocket(instanceDockerSocket(setup.rootDir), {
    images: runtime.images,
    bridge: setup.taskBridge,
    addresses: runtime.addresses,
    workDir: join(setup.rootDir, 'var/lib/docker/lab-siblings'),
    keepUnderRoot,
    log,
  });
  const manager = createTaskManager({
    setup,
    runtime,
    config,
    region,
    store,
    backend,
    logs,
    log,
    dockerSocket: dockerSocket.path,
    keepUnderRoot,
  });

  const polling = new AbortController();
  const pause = wakeableSleep();
  const loopParts: AgentParts = { config, backend, log, agentRun, sleep: pause.sleep };
  const loop = (async () => {
    await registerUntilDone({ ...loopParts, imds, runtime });
    await pollTasks({ ...loopParts, setup, manager, signal: polling.signal });
  })();

  return {
    async stop() {
      agentRun.stopping = true;
      polling.abort();
      pause.wake();
      await loop;
      await manager.stopAll();
      await dockerSocket.close();
      await endpoint.close();
      await audit.flush();
      logs.destroy();
      log('info', 'Agent stopped');
    },
  };
}

/** The task credentials the agent holds, its audit log, and the endpoint that serves them to tasks. */
async function startCredentialsEndpoint(
  setup: AgentSetup,
  runtime: AgentRuntime,
  config: AgentConfig,
  agentRun: AgentRun,
) {
  const store = new TaskCredentialsStore();
  const audit = new AuditLog(
    join(setup.rootDir, 'var/log/ecs/audit.log'),
    { cluster: config.cluster, containerInstanceArn: () => agentRun.containerInstanceArn },
    !config.auditLogDisabled,
  );
  const endpoint = await startCredentialsServer({
    store,
    audit,
    limiter: new TollboothLimiter(config.taskMetadataRateLimit),
    steadyRate: config.taskMetadataRateLimit.steady,
    agentVersion: setup.agentVersion,
    port: runtime.credentialsPort ?? CREDENTIALS_PORT,
  });
  return { store, audit, endpoint };
}

/** ECS as the agent calls it: signed with the instance role from IMDS, through the agent's proxy. */
function ecsBackend(setup: AgentSetup, runtime: AgentRuntime, config: AgentConfig, imds: ImdsClient): EcsBackend {
  return new EcsBackend({
    endpoint: setup.controlPlaneEndpoint,
    region: config.region ?? setup.region,
    proxy: config.proxy,
    instanceCredentials: instanceCredentialsProvider(imds),
    serviceIdentity: setup.serviceIdentity,
    stateChange: setup.stateChange,
    ...(runtime.issueTaskRoleCredentials ? { issueTaskRoleCredentials: runtime.issueTaskRoleCredentials } : {}),
  });
}

/** The agent's log file, in the agent's own line format. */
function agentLog(rootDir: string): AgentLog {
  const logFile = join(rootDir, 'var/log/ecs/ecs-agent.log');
  mkdirSync(dirname(logFile), { recursive: true });
  return (level, message) =>
    appendFileSync(logFile, `level=${level} time=${new Date().toISOString()} msg=${JSON.stringify(message)}\n`);
}

/** The agent's configuration; a bad one is logged as the agent does, reported, and ends the start. */
function loadConfig(setup: AgentSetup, runtime: AgentRuntime, log: AgentLog): AgentConfig {
  // The service manager already merged ecs-init's defaults and ecs.config (or docker run's --env-file/-e).
  const { config, warnings, errors } = parseAgentConfig(setup.agentEnvironment);
  for (const warning of warnings) log('warn', warning);
  if (errors.length > 0) {
    for (const error of errors) log('critical', `Error loading config: ${error}`);
    runtime.emit({ type: 'config-error', errors });
    throw new AgentConfigError(errors.join('; '));
  }
  log(
    'info',
    `Loaded config: cluster=${config.cluster} taskIamRole=${config.taskIamRoleEnabled} taskIamRoleNetworkHost=${config.taskIamRoleNetworkHostEnabled} rps=${config.taskMetadataRateLimit.steady},${config.taskMetadataRateLimit.burst} proxy=${config.proxy.httpProxy ?? '-'} noProxy=${config.proxy.noProxy ?? '-'}`,
  );
  return config;
}

/** The Docker daemon ships awslogs with the instance role it gets from IMDS itself (not via the agent's proxy). */
function daemonLogsClient(setup: AgentSetup, region: string): CloudWatchLogsClient {
  const daemonImds = new ImdsClient({ httpProxy: undefined, httpsProxy: undefined, noProxy: undefined });
  return new CloudWatchLogsClient({
    endpoint: setup.controlPlaneEndpoint,
    region,
    maxAttempts: 2,
    credentials: instanceCredentialsProvider(daemonImds),
  });
}

function createTaskManager(parts: {
  setup: AgentSetup;
  runtime: AgentRuntime;
  config: AgentConfig;
  region: string;
  store: TaskCredentialsStore;
  backend: EcsBackend;
  logs: CloudWatchLogsClient;
  log: AgentLog;
  dockerSocket: string;
  keepUnderRoot: string[];
}): TaskManager {
  const { setup, runtime, config } = parts;
  return new TaskManager({
    cluster: config.cluster,
    region: parts.region,
    store: parts.store,
    backend: parts.backend,
    images: runtime.images,
    logs: parts.logs,
    bridge: setup.taskBridge,
    addresses: runtime.addresses,
    ...(runtime.enis && config.taskEniEnabled
      ? { awsvpc: { enis: runtime.enis, blockImds: config.awsvpcBlockImds, bridge: new EcsBridge() } }
      : {}),
    workDir: join(setup.rootDir, 'var/lib/ecs/data/tasks'),
    memory: memoryCgroupsAt(join(setup.rootDir, 'sys/fs/cgroup/memory')),
    dockerSocket: parts.dockerSocket,
    keepUnderRoot: parts.keepUnderRoot,
    log: parts.log,
    emit: runtime.emit,
  });
}

/** What a task's sandbox keeps of the machine under /root: the clients' runtimes and the images. */
function taskKeepUnderRoot(runtime: AgentRuntime): string[] {
  return [PYENV_PYTHON_ROOT, PROJECT_ROOT, ...labNodeModules(), runtime.images.dir, dirname(process.execPath)];
}

/** A sleep that stop can cut short. */
function wakeableSleep(): { sleep(ms: number): Promise<void>; wake(): void } {
  let wake: () => void = () => {};
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    wake: () => wake(),
  };
}

/** What the agent's loop (register, then poll tasks) works with: its configuration, ECS, its log, its run. */
interface AgentParts {
  config: AgentConfig;
  backend: EcsBackend;
  log: AgentLog;
  agentRun: AgentRun;
  /** A sleep that stop cuts short. */
  sleep: (ms: number) => Promise<void>;
}

/** Registers the container instance, retrying with backoff like the agent's restarts, until done or stopped. */
async function registerUntilDone(parts: AgentParts & { imds: ImdsClient; runtime: AgentRuntime }): Promise<void> {
  const { config, backend, runtime, log, agentRun } = parts;
  const attributes = agentAttributes(config);
  for (let attempt = 1; !agentRun.stopping && agentRun.containerInstanceArn === ''; attempt += 1) {
    try {
      const identity = await parts.imds.identity();
      const containerInstanceArn = await backend.registerContainerInstance(config.cluster, identity, attributes);
      agentRun.containerInstanceArn = containerInstanceArn;
      log('info', `Registered container instance ${containerInstanceArn} in cluster ${config.cluster}`);
      runtime.emit({ type: 'registered', containerInstanceArn, attributes: attributes.map((a) => a.name ?? '') });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log('error', `Unable to register as a container instance with ECS: ${message}`);
      runtime.emit({ type: 'registration-failed', error: message, attempt });
      await parts.sleep(Math.min(1000 * 2 ** (attempt - 1), 15_000));
    }
  }
}

/** Asks ECS for the instance's tasks and syncs the task manager with them, until stopped. */
async function pollTasks(
  parts: AgentParts & { setup: AgentSetup; manager: TaskManager; signal: AbortSignal },
): Promise<void> {
  const { backend, manager, agentRun } = parts;
  let failures = 0;
  while (!agentRun.stopping) {
    try {
      const tasks = await backend.tasksFor(
        parts.config.cluster,
        agentRun.containerInstanceArn,
        manager.tracked(),
        parts.signal,
      );
      manager.sync(tasks);
      failures = 0;
      // The lab control plane answered when tasks changed (its stand-in for ACS): ask again at once.
      if (backend.pushesTasks) continue;
    } catch (error) {
      if (agentRun.stopping) break;
      failures += 1;
      if (failures <= 3 || failures % 60 === 0) parts.log('warn', `task poll failed (${failures}): ${String(error)}`);
    }
    await parts.sleep(parts.setup.pollIntervalMs ?? 1000);
  }
}
