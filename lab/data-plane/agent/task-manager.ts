/**
 * The agent's task engine for the lab: takes the tasks ECS placed on this instance, gets the task-role
 * credentials (the ECS backend's AssumeRole), "pulls" the image, opens the awslogs stream, starts each
 * container in its sandbox, reports RUNNING, and on exit (or StopTask) reports STOPPED with exit codes
 * and the reason the real agent gives, then forgets the task's credentials.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ContainerDefinition, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import { IMAGE_HOME } from '../../images/catalog.ts';
import { IMAGE_BIN_MOUNT, type LabImages, taskSystemDir } from '../../images/image-roots.ts';
import type { TaskEni } from '../contracts.ts';
import type { TaskCredentialsStore } from './credentials/credentials-store.ts';
import { type ContainerReport, type EcsBackend, RoleNotAssumableError } from './ecs-backend.ts';
import type { AwsLogsStream } from './tasks/awslogs.ts';
import { attachAwsvpc, type EcsBridge } from './tasks/awsvpc-network.ts';
import { attachToBridge } from './tasks/bridge-network.ts';
import { containerEnvironment } from './tasks/container-environment.ts';
import { hostVolumeMounts } from './tasks/host-volumes.ts';
import type { ContainerMemory, MemoryCgroups } from './tasks/memory-cgroup.ts';
import { type Sandbox, SandboxStartError, startSandbox } from './tasks/sandbox.ts';
import { daemonError, prepareContainers, settle, TaskStartFailure } from './tasks/task-start.ts';

export interface TaskEvent {
  type: 'task';
  taskArn: string;
  status: 'RUNNING' | 'STOPPED';
  reason?: string;
  containers: ContainerReport[];
}

export interface TaskManagerDeps {
  cluster: string;
  region: string;
  store: TaskCredentialsStore;
  backend: EcsBackend;
  images: LabImages;
  logs: CloudWatchLogsClient;
  bridge: { name: string; gateway: string; prefixLength: number };
  addresses: { allocate(): Promise<string>; release(address: string): void };
  /** awsvpc tasks (the agent runs with ECS_ENABLE_TASK_ENI): the host's ENIs, the block flag, ecs-bridge. */
  awsvpc?: {
    enis: { attach(): Promise<TaskEni>; detach(id: string): void };
    blockImds: boolean;
    bridge: EcsBridge;
  };
  /** Per-task scratch space (homes), removed when the task is gone. */
  workDir: string;
  /** The instance's Docker socket (tasks may mount /var/run/docker.sock); unset: none. */
  dockerSocket?: string;
  /** Host paths under /root the images' programs live in. */
  keepUnderRoot: readonly string[];
  /** The memory cgroups that enforce containers' hard limits; unset: limits not enforced (specs only). */
  memory?: () => Promise<MemoryCgroups>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  emit(event: TaskEvent): void;
}

interface ManagedTask {
  arn: string;
  stopRequested: boolean;
  sandboxes: Sandbox[];
  done: Promise<void>;
}

const ESSENTIAL_EXITED = 'Essential container in task exited';
/** The container's reason when Docker reports State.OOMKilled (agent/dockerclient/dockerapi/errors.go). */
export const OUT_OF_MEMORY = 'OutOfMemoryError: Container killed due to memory usage';

/** One task's run: what it holds until it is gone. */
interface TaskRun {
  task: Task;
  managed: ManagedTask;
  taskId: string;
  /** Per-task scratch space (homes), removed when the task is gone. */
  taskDir: string;
  /** The task definition's volumes (a container's host mounts come from them). */
  volumes: NonNullable<TaskDefinition['volumes']>;
  /** The task's credentials id in the store, from the moment they are pending. */
  credentialsId?: string;
  /** What the task's networks hold (bridge addresses, ENIs), given back once its sandboxes are gone. */
  releases: (() => void)[];
  streams: AwsLogsStream[];
  reports: ContainerReport[];
}

type ImageSpec = Awaited<ReturnType<typeof prepareContainers>>[number];

interface ContainerExit {
  container: ContainerDefinition;
  exitCode: number;
  oomKilled: boolean;
}

export class TaskManager {
  readonly #deps: TaskManagerDeps;
  readonly #tasks = new Map<string, ManagedTask>();
  /** Tasks this agent ran to the end: never started again, whatever ECS still says about them. */
  readonly #finished = new Set<string>();

  constructor(deps: TaskManagerDeps) {
    this.#deps = deps;
  }

  /** Arns of tasks this agent still runs: the poll asks ECS for their desired status. */
  tracked(): string[] {
    return [...this.#tasks.keys()];
  }

  /** Applies ECS's view: start new tasks that should run, stop ours that should not. */
  sync(tasks: readonly Task[]): void {
    for (const task of tasks) {
      const arn = task.taskArn;
      if (!arn) continue;
      const managed = this.#tasks.get(arn);
      if (!managed && !this.#finished.has(arn) && task.desiredStatus === 'RUNNING' && task.lastStatus !== 'STOPPED') {
        this.#start(task);
      } else if (managed && task.desiredStatus === 'STOPPED' && !managed.stopRequested) {
        managed.stopRequested = true;
        this.#deps.log('info', `task ${arn}: desired STOPPED, killing its containers`);
        for (const sandbox of managed.sandboxes) sandbox.kill();
      }
    }
  }

  async stopAll(): Promise<void> {
    for (const managed of this.#tasks.values()) {
      managed.stopRequested = true;
      for (const sandbox of managed.sandboxes) sandbox.kill();
    }
    await Promise.all([...this.#tasks.values()].map((managed) => managed.done));
  }

  #start(task: Task): void {
    const managed: ManagedTask = {
      arn: task.taskArn ?? '',
      stopRequested: false,
      sandboxes: [],
      done: Promise.resolve(),
    };
    this.#tasks.set(managed.arn, managed);
    managed.done = this.#run(task, managed)
      .catch((error: unknown) =>
        this.#deps.log('error', `task ${managed.arn}: ${error instanceof Error ? error.stack : error}`),
      )
      .finally(() => {
        this.#finished.add(managed.arn);
        this.#tasks.delete(managed.arn);
      });
  }

  async #run(task: Task, managed: ManagedTask): Promise<void> {
    const taskId = managed.arn.split('/').pop() ?? randomUUID();
    const run: TaskRun = {
      task,
      managed,
      taskId,
      taskDir: join(this.#deps.workDir, taskId),
      volumes: [],
      releases: [],
      streams: [],
      reports: [],
    };
    try {
      const definition = await this.#deps.backend.taskDefinition(task.taskDefinitionArn ?? '');
      const containers = definition.containerDefinitions ?? [];
      run.volumes = definition.volumes ?? [];
      const images = await this.#credentialsAndImages(run, definition);
      const exits = await this.#startContainers(run, containers, images, definition.networkMode ?? 'bridge');
      await this.#reportRunning(run);
      await this.#waitForEssentialExit(containers, exits, managed);
      await this.#reportExits(run, exits);
    } catch (error) {
      await this.#stopBeforeItRan(run, error);
    } finally {
      await this.#release(run);
    }
  }

  /**
   * The role's credentials come while the images resolve and the log streams open; a role that cannot
   * be assumed still names the task's stop reason first.
   */
  async #credentialsAndImages(run: TaskRun, definition: TaskDefinition): Promise<ImageSpec[]> {
    const deps = this.#deps;
    const credentials = definition.taskRoleArn
      ? settle(this.#taskRoleCredentials(definition.taskRoleArn, run.taskId))
      : undefined;
    if (credentials) {
      run.credentialsId = randomUUID();
      deps.store.markPending(run.credentialsId);
    }
    const prepared = settle(
      prepareContainers(
        definition.containerDefinitions ?? [],
        { taskId: run.taskId, region: deps.region, logs: deps.logs, log: deps.log },
        run.streams,
      ),
    );
    const [role, ready] = await Promise.all([credentials, prepared]);
    if (role && 'error' in role) throw role.error;
    if (role && run.credentialsId) deps.store.set(run.credentialsId, run.managed.arn, role.value);
    if ('error' in ready) throw ready.error;
    return ready.value;
  }

  /** Starts each container in its sandbox, in order; resolves to their exits. */
  async #startContainers(
    run: TaskRun,
    containers: readonly ContainerDefinition[],
    images: readonly ImageSpec[],
    networkMode: string,
  ): Promise<Array<Promise<ContainerExit>>> {
    const exits: Array<Promise<ContainerExit>> = [];
    for (const [index, container] of containers.entries()) {
      const image = images[index];
      if (!image) continue;
      const { exit } = await this.#startContainer(run, container, index, image, networkMode);
      exits.push(exit);
    }
    return exits;
  }

  /** One container: its home, environment, network and memory limit, then its sandbox; resolves once started. */
  async #startContainer(
    run: TaskRun,
    container: ContainerDefinition,
    index: number,
    image: ImageSpec,
    networkMode: string,
  ): Promise<{ exit: Promise<ContainerExit> }> {
    const deps = this.#deps;
    const { managed } = run;
    const root = deps.images.root(image.id);
    const containerDir = join(run.taskDir, container.name ?? String(index));
    const homeDir = join(containerDir, 'home');
    await mkdir(homeDir, { recursive: true });
    await cp(root.homeTemplate, homeDir, { recursive: true });
    const override = run.task.overrides?.containerOverrides?.find((candidate) => candidate.name === container.name);
    const hostname = randomBytes(6).toString('hex');
    const env = containerEnvironment({
      imageEnv: root.env,
      definitionEnv: [...(container.environment ?? []), ...(override?.environment ?? [])],
      credentialsRelativeUri: run.credentialsId ? `/v2/credentials/${run.credentialsId}` : undefined,
      region: deps.region,
      hostname,
      home: IMAGE_HOME,
    });
    const argv = [...(container.entryPoint ?? []), ...(override?.command ?? container.command ?? [])];
    const stream =
      run.streams.find((candidate) => candidate.streamName.includes(`/${container.name}/`)) ?? run.streams[index];
    const network = await this.#network(networkMode, hostname, run.releases);
    const memory = await this.#containerMemory(run.taskId, container, run.releases);
    const volumes = await hostVolumeMounts(run.volumes, container, { dockerSocket: deps.dockerSocket, containerDir });
    let sandbox: Sandbox;
    try {
      sandbox = await startSandbox({
        argv: argv.length > 0 ? argv : [...image.cmd],
        env,
        homeDir,
        keepUnderRoot: deps.keepUnderRoot,
        binds: [{ source: root.binDir, target: IMAGE_BIN_MOUNT }, ...volumes.binds],
        ...(volumes.privateRun ? { privateRun: volumes.privateRun } : {}),
        system: await taskSystemDir(root, join(containerDir, 'system')),
        network,
        ...(memory ? { memoryCgroupProcs: memory.procsFile } : {}),
        onOutput: (_stream, line) => stream?.push(line),
      });
    } catch (error) {
      if (error instanceof SandboxStartError) throw new TaskStartFailure(daemonError(error.message));
      throw error;
    }
    managed.sandboxes.push(sandbox);
    if (managed.stopRequested) sandbox.kill();
    run.reports.push({ containerName: container.name ?? '', runtimeId: hostname, status: 'RUNNING' });
    return { exit: sandbox.exited.then(({ exitCode }) => this.#exitOf(managed.arn, container, exitCode, memory)) };
  }

  async #reportRunning({ managed, reports }: TaskRun): Promise<void> {
    const deps = this.#deps;
    deps.emit({ type: 'task', taskArn: managed.arn, status: 'RUNNING', containers: reports.map((r) => ({ ...r })) });
    await deps.backend
      .reportRunning(deps.cluster, managed.arn, reports, new Date())
      .catch((error: unknown) => deps.log('warn', `task ${managed.arn}: RUNNING report failed: ${String(error)}`));
  }

  /** Every container's exit code (and OOM kill) into its report, then STOPPED once the log streams are flushed. */
  async #reportExits(run: TaskRun, exits: ReadonlyArray<Promise<ContainerExit>>): Promise<void> {
    const { managed, reports } = run;
    for (const { container, exitCode, oomKilled } of await Promise.all(exits)) {
      const report = reports.find((candidate) => candidate.containerName === container.name);
      if (report)
        Object.assign(report, { status: 'STOPPED', exitCode, ...(oomKilled ? { reason: OUT_OF_MEMORY } : {}) });
    }
    // Docker flushes the awslogs stream when the container stops, before ECS hears of it.
    await Promise.all(run.streams.map((stream) => stream.close()));
    await this.#stopped(managed, reports, managed.stopRequested ? undefined : ESSENTIAL_EXITED);
  }

  async #stopBeforeItRan(run: TaskRun, error: unknown): Promise<void> {
    const { managed } = run;
    for (const sandbox of managed.sandboxes) sandbox.kill();
    const reason =
      error instanceof TaskStartFailure || error instanceof RoleNotAssumableError
        ? error.message
        : `lab: the agent could not run the task: ${error instanceof Error ? error.message : String(error)}`;
    this.#deps.log('warn', `task ${managed.arn}: stopped before it ran: ${reason}`);
    await Promise.all(run.streams.map((stream) => stream.close()));
    await this.#stopped(managed, run.reports, reason);
  }

  async #release(run: TaskRun): Promise<void> {
    if (run.credentialsId) this.#deps.store.remove(run.credentialsId);
    // The sandboxes are gone, and with their namespaces the ENI devices: ECS detaches the ENIs now.
    for (const release of run.releases) release();
    await Promise.all(run.streams.map((stream) => stream.close()));
    await rm(run.taskDir, { recursive: true, force: true });
  }

  /**
   * A container with a hard limit (`memory`, MiB) runs in a memory cgroup of that size, as Docker's --memory;
   * `memoryReservation` alone sets no limit. The cgroup goes with the task's other releases.
   */
  async #containerMemory(
    taskId: string,
    container: ContainerDefinition,
    releases: (() => void)[],
  ): Promise<ContainerMemory | undefined> {
    if (!container.memory || !this.#deps.memory) return undefined;
    let memory: ContainerMemory;
    try {
      memory = await (await this.#deps.memory()).create(`${taskId}-${container.name ?? 'container'}`, container.memory);
    } catch (error) {
      throw new TaskStartFailure(
        `lab: cannot enforce the container's memory limit: ${error instanceof Error ? error.message : error}`,
      );
    }
    releases.push(() => {
      memory.remove().catch((error: unknown) => this.#deps.log('warn', `memory cgroup not removed: ${String(error)}`));
    });
    return memory;
  }

  /** The container's exit as Docker reports it: the OOM kill from the cgroup, the peak for the agent's log. */
  async #exitOf(
    taskArn: string,
    container: ContainerDefinition,
    exitCode: number,
    memory: ContainerMemory | undefined,
  ): Promise<ContainerExit> {
    if (!memory) return { container, exitCode, oomKilled: false };
    const { oomKilled, peakBytes } = await memory.outcome();
    const peak = peakBytes === undefined ? 'unknown' : `${(peakBytes / 1048576).toFixed(1)} MiB`;
    this.#deps.log(
      oomKilled ? 'warn' : 'info',
      `task ${taskArn}: container ${container.name} exited ${exitCode}, memory peak ${peak} of ${container.memory} MiB${oomKilled ? ', OOM-killed' : ''}`,
    );
    return { container, exitCode, oomKilled };
  }

  async #taskRoleCredentials(roleArn: string, taskId: string) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#deps.backend.issueTaskRoleCredentials(roleArn, taskId);
      } catch (error) {
        if (error instanceof RoleNotAssumableError || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  async #network(mode: string, hostname: string, releases: (() => void)[]) {
    if (mode === 'host') return { mode: 'host' as const };
    const { bridge } = this.#deps;
    if (mode === 'none') return { mode: 'bridge' as const, hostname, configureNetwork: async () => {} };
    if (mode === 'awsvpc') {
      // Its own network namespace like bridge mode, wired by the CNI plugins instead of Docker.
      const awsvpc = this.#deps.awsvpc;
      if (!awsvpc) throw new TaskStartFailure('lab: this agent runs without ECS_ENABLE_TASK_ENI (awsvpc)');
      const eni = await awsvpc.enis.attach();
      releases.push(() => awsvpc.enis.detach(eni.id));
      const bridgeAddress = awsvpc.bridge.allocate();
      releases.push(() => awsvpc.bridge.release(bridgeAddress));
      return {
        mode: 'bridge' as const,
        hostname,
        configureNetwork: (pid: number) =>
          attachAwsvpc(pid, { eni, blockImds: awsvpc.blockImds, bridge: awsvpc.bridge, bridgeAddress }),
      };
    }
    const address = await this.#deps.addresses.allocate();
    releases.push(() => this.#deps.addresses.release(address));
    return {
      mode: 'bridge' as const,
      hostname,
      configureNetwork: async (pid: number) => {
        await attachToBridge(pid, {
          bridge: bridge.name,
          address,
          prefixLength: bridge.prefixLength,
          gateway: bridge.gateway,
        });
      },
    };
  }

  /** When an essential container exits, ECS stops the task: the other containers are killed. */
  async #waitForEssentialExit(
    containers: readonly ContainerDefinition[],
    exits: ReadonlyArray<Promise<ContainerExit>>,
    managed: ManagedTask,
  ): Promise<void> {
    const essential = exits.filter((_, index) => containers[index]?.essential !== false);
    await Promise.race(essential.length > 0 ? essential : exits);
    for (const sandbox of managed.sandboxes) sandbox.kill();
  }

  async #stopped(managed: ManagedTask, containers: ContainerReport[], reason: string | undefined): Promise<void> {
    const deps = this.#deps;
    deps.emit({ type: 'task', taskArn: managed.arn, status: 'STOPPED', ...(reason ? { reason } : {}), containers });
    await deps.backend
      .reportStopped(deps.cluster, managed.arn, containers, reason)
      .catch((error: unknown) => deps.log('warn', `task ${managed.arn}: STOPPED report failed: ${String(error)}`));
  }
}
