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
import { parseAgentConfig } from './ecs-config.ts';
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

export async function startLabAgent(setup: AgentSetup, runtime: AgentRuntime): Promise<LabAgent> {
  const logFile = join(setup.rootDir, 'var/log/ecs/ecs-agent.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const log = (level: string, message: string) =>
    appendFileSync(logFile, `level=${level} time=${new Date().toISOString()} msg=${JSON.stringify(message)}\n`);

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

  const imds = new ImdsClient(config.proxy);
  const region = config.region ?? setup.region;
  let containerInstanceArn = '';
  const store = new TaskCredentialsStore();
  const audit = new AuditLog(
    join(setup.rootDir, 'var/log/ecs/audit.log'),
    { cluster: config.cluster, containerInstanceArn: () => containerInstanceArn },
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
  const backend = new EcsBackend({
    endpoint: setup.controlPlaneEndpoint,
    region,
    proxy: config.proxy,
    instanceCredentials: instanceCredentialsProvider(imds),
    serviceIdentity: setup.serviceIdentity,
    stateChange: setup.stateChange,
    ...(runtime.issueTaskRoleCredentials ? { issueTaskRoleCredentials: runtime.issueTaskRoleCredentials } : {}),
  });
  // The Docker daemon ships awslogs with the instance role it gets from IMDS itself (not via the agent's proxy).
  const daemonImds = new ImdsClient({ httpProxy: undefined, httpsProxy: undefined, noProxy: undefined });
  const logs = new CloudWatchLogsClient({
    endpoint: setup.controlPlaneEndpoint,
    region,
    maxAttempts: 2,
    credentials: instanceCredentialsProvider(daemonImds),
  });
  const keepUnderRoot = [
    PYENV_PYTHON_ROOT,
    PROJECT_ROOT,
    ...labNodeModules(),
    runtime.images.dir,
    dirname(process.execPath),
  ];
  // The instance's dockerd socket, which tasks may mount (the lab's agent plays Docker for its tasks).
  const dockerSocket = await serveDockerSocket(instanceDockerSocket(setup.rootDir), {
    images: runtime.images,
    bridge: setup.taskBridge,
    addresses: runtime.addresses,
    workDir: join(setup.rootDir, 'var/lib/docker/lab-siblings'),
    keepUnderRoot,
    log,
  });
  const manager = new TaskManager({
    cluster: config.cluster,
    region,
    store,
    backend,
    images: runtime.images,
    logs,
    bridge: setup.taskBridge,
    addresses: runtime.addresses,
    ...(runtime.enis && config.taskEniEnabled
      ? { awsvpc: { enis: runtime.enis, blockImds: config.awsvpcBlockImds, bridge: new EcsBridge() } }
      : {}),
    workDir: join(setup.rootDir, 'var/lib/ecs/data/tasks'),
    memory: memoryCgroupsAt(join(setup.rootDir, 'sys/fs/cgroup/memory')),
    dockerSocket: dockerSocket.path,
    keepUnderRoot,
    log,
    emit: runtime.emit,
  });

  let stopping = false;
  const polling = new AbortController();
  let wake: () => void = () => {};
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    const attributes = agentAttributes(config);
    for (let attempt = 1; !stopping && containerInstanceArn === ''; attempt += 1) {
      try {
        const identity = await imds.identity();
        containerInstanceArn = await backend.registerContainerInstance(config.cluster, identity, attributes);
        log('info', `Registered container instance ${containerInstanceArn} in cluster ${config.cluster}`);
        runtime.emit({ type: 'registered', containerInstanceArn, attributes: attributes.map((a) => a.name ?? '') });
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        log('error', `Unable to register as a container instance with ECS: ${message}`);
        runtime.emit({ type: 'registration-failed', error: message, attempt });
        await sleep(Math.min(1000 * 2 ** (attempt - 1), 15_000));
      }
    }
    let failures = 0;
    while (!stopping) {
      try {
        const tasks = await backend.tasksFor(config.cluster, containerInstanceArn, manager.tracked(), polling.signal);
        manager.sync(tasks);
        failures = 0;
        // The lab control plane answered when tasks changed (its stand-in for ACS): ask again at once.
        if (backend.pushesTasks) continue;
      } catch (error) {
        if (stopping) break;
        failures += 1;
        if (failures <= 3 || failures % 60 === 0) log('warn', `task poll failed (${failures}): ${String(error)}`);
      }
      await sleep(setup.pollIntervalMs ?? 1000);
    }
  })();

  return {
    async stop() {
      stopping = true;
      polling.abort();
      wake();
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
