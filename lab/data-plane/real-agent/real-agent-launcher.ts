/**
 * The lab's `ecs` service with the real agent (`--lab-agent real`): when the instance's service manager
 * starts the agent, a real Docker engine comes up in the instance's namespace, loads the agent image built
 * from source, and runs it as the documented container (`docker run … amazon/amazon-ecs-agent`, host
 * network, the instance's /etc/ecs, /var/log/ecs and /var/lib/ecs/data), with the environment the instance's
 * service manager gives the agent and `ECS_BACKEND_HOST` = the lab's control plane. Stopping the agent
 * stops the container and the engine and removes what they kept. With `ECS_ENABLE_TASK_ENI` (awsvpc) the
 * container also gets what ecs-init gives it for task networking (ecs-init/docker/docker_config.go
 * createHostConfig: an init process, the host's /proc at /host/proc, NET_ADMIN and SYS_ADMIN), the lab's
 * CNI plugins at /amazon-ecs-cni-plugins and their socket to the data plane (cni-plugins.ts, cni-socket.ts).
 * Not yet: the real ecs-init on ECS-optimized AMIs (the lab's own ecs-init writes the rules), see
 * docs/lab-differences.md.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InfrastructureError } from '../../../core/errors.ts';
import { parseAgentConfig } from '../agent/ecs-config.ts';
import type { AgentLauncher, HostView, RunningAgent } from '../contracts.ts';
import { buildAgent } from './agent-build.ts';
import { agentImages, ECS_INIT_AGENT_IMAGE } from './agent-images.ts';
import { AGENT_VERSIONS, type AgentVersion } from './agent-versions.ts';
import { AGENT_CNI_PLUGINS_PATH, AGENT_CNI_SOCKET_DIR, labCniPlugins } from './cni-plugins.ts';
import { type CniSocket, serveCniSocket } from './cni-socket.ts';
import { type DockerEngine, enginePaths, INSTANCE_DOCKER_SOCKET, startDockerEngine } from './docker-engine.ts';
import { cloneDataRoot, makeEngineSeed } from './engine-seed.ts';
import type { TaskImage } from './task-images.ts';

export const AGENT_CONTAINER = 'ecs-agent';

export interface RealAgentLauncherOptions {
  /** The lab's default release; each start runs the release its host view names (`agentVersion`). */
  version: AgentVersion;
  /** Where engines keep their files: one short folder per instance below it (its sockets must fit). */
  enginesDir: string;
  /** A network namespace the seed engine runs in (it makes no network of its own): the lab's VPC namespace. */
  seedNetns: string;
  /** The lab's task images as root file systems (task-images.ts), made once per lab. */
  taskImages: () => Promise<readonly TaskImage[]>;
  log?: (line: string) => void;
  /** Where `log`'s lines end up (the data plane's log): named in a seed failure, for whoever reads it. */
  logFile?: string;
}

/**
 * A release's seed (its agent build, images and the engines' loaded data root) could not be made: every
 * instance waiting for it fails its agent start. Not the instance's doing — the lab could not give it the
 * disk its AMI comes with — so the data plane ends those instances as EC2 ends one after an internal error
 * (data-plane/fleet/internal-error.ts), and their cells learn it at once instead of waiting out their
 * registration limit.
 */
export class EngineSeedFailed extends InfrastructureError {
  readonly version: AgentVersion;
  constructor(version: AgentVersion, cause: unknown, logFile: string | undefined) {
    const why = cause instanceof Error ? cause.message : String(cause);
    // The log first: a reader who sees only the start of a long message still knows where to look.
    const where = logFile ? ` (its log: ${logFile})` : '';
    super(`the lab's engine seed for ECS agent ${version} failed${where}: ${why}`, { cause });
    this.name = 'EngineSeedFailed';
    this.version = version;
  }
}

export interface RealAgentLauncher {
  launch: AgentLauncher;
  /**
   * A release's agent build, its images and the engines' seed (engine-seed.ts), made once per release;
   * the default release's is begun at the data plane's start so that the first instances do not wait out
   * their registration for it. Made again after a failure; rejects with EngineSeedFailed.
   */
  prepare(version?: AgentVersion): Promise<string>;
}

/**
 * A folder no engine has used: made atomically with a random name (mkdtemp, 0700), so a launcher that starts
 * again (a restarted daemon, a second lab's launcher on the same folder) never lands in a live engine's
 * folder, as a counter from 1 would. Short (`e` and six characters): the engine's sockets live below it.
 */
export async function newEngineDir(enginesDir: string): Promise<string> {
  await mkdir(enginesDir, { recursive: true, mode: 0o700 });
  return mkdtemp(join(enginesDir, 'e'));
}

export function createRealAgentLauncher(options: RealAgentLauncherOptions): RealAgentLauncher {
  const seeds = new Map<AgentVersion, Promise<string>>();
  // One seed engine at a time: they share the seed's cgroup parent, which each removes when it stops.
  let lastSeed: Promise<unknown> = Promise.resolve();
  const prepare = (version: AgentVersion = options.version) => {
    let seed = seeds.get(version);
    if (!seed) {
      const previous = lastSeed.catch(() => undefined);
      seed = previous
        .then(() => makeSeed(options, version))
        .catch((error: unknown) => {
          seeds.delete(version);
          throw new EngineSeedFailed(version, error, options.logFile);
        });
      seeds.set(version, seed);
      lastSeed = seed;
    }
    return seed;
  };
  const launch: AgentLauncher = async (view) => {
    // The image a plain AMI's docker run names (or the AMI's own agent) picks the release: one seed each.
    const seedDataRoot = await prepare(view.agentVersion);
    const dir = await newEngineDir(options.enginesDir);
    // A failed clone leaves hard-linked layers in a folder no engine will own.
    await cloneDataRoot(seedDataRoot, enginePaths(dir).dataRoot).catch(async (error: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw error;
    });
    // Docker's defaults, as on EC2 (json-file logs); the lab's awslogs endpoint comes with each task's
    // log options (lab_acs_task.py), so a container started outside the agent (a sibling) logs as on EC2.
    const engine = await startDockerEngine({ netns: view.netns, dir, cgroupParent: `/${view.netns}` });
    let cni: CniSocket | undefined;
    try {
      cni = await taskNetworking(view, engine.dir, options.log);
      await runAgentContainer(engine, view, cni && { plugins: await labCniPlugins(), socketDir: cni.dir });
    } catch (error) {
      await cni?.close();
      await engine.stop();
      throw error;
    }
    return runningAgent(engine, cni);
  };
  return { launch, prepare };
}

async function makeSeed(options: RealAgentLauncherOptions, version: AgentVersion): Promise<string> {
  const build = await buildAgent(version, options.log ? { log: options.log } : {});
  const images = await agentImages(build);
  // Built here, before any instance waits on it: an agent with task ENI checks its plugins at start. Only
  // while task ENI is on: a failed build of a feature that is off must not fail every instance's start.
  if (REAL_AGENT_TASK_ENI) await labCniPlugins();
  return makeEngineSeed({
    // Short (its engine's sockets live below it): `s` and the release's place in AGENT_VERSIONS.
    dir: join(options.enginesDir, `s${AGENT_VERSIONS.indexOf(version)}`),
    netns: options.seedNetns,
    loads: [images.agent],
    taskImages: await options.taskImages(),
  });
}

/** Folders of the lab's CNI plugins and of their socket, for an agent with task networking. */
export interface AgentCniMounts {
  plugins: string;
  socketDir: string;
}

/**
 * Off until a `network=awsvpc` cell has run end to end on the real agent with the lab's CNI stand-in
 * (issue 28; docs/lab-differences.md, "Real agent" → "awsvpc"): while off the agent runs with
 * ECS_ENABLE_TASK_ENI=false, as before the stand-in, and no awsvpc task is placed on it.
 */
export const REAL_AGENT_TASK_ENI = false;

/** With ECS_ENABLE_TASK_ENI on: the data plane's end of the lab's CNI plugins for this instance. */
async function taskNetworking(view: HostView, engineDir: string, log?: (line: string) => void) {
  if (!REAL_AGENT_TASK_ENI || !parseAgentConfig(view.agentEnvironment).config.taskEniEnabled) return undefined;
  return serveCniSocket(join(engineDir, 'cni'), view, (line) => log?.(`${view.instanceId}: ${line}`));
}

/**
 * What ecs-init gives the agent's container for task networking (ecs-init/docker/docker_config.go
 * createHostConfig): docker's init process as PID 1 (the agent refuses task ENIs as PID 1,
 * agent/app/agent_unix.go), the host's /proc at /host/proc (where CNI_NETNS points), NET_ADMIN and
 * SYS_ADMIN; the plugins, which upstream's image carries, are mounted with the lab's socket.
 */
export function taskNetworkingArgs(mounts: AgentCniMounts): string[] {
  return [
    '--init',
    '--volume=/proc:/host/proc:ro',
    '--cap-add=NET_ADMIN',
    '--cap-add=SYS_ADMIN',
    `--volume=${mounts.plugins}:${AGENT_CNI_PLUGINS_PATH}:ro`,
    `--volume=${mounts.socketDir}:${AGENT_CNI_SOCKET_DIR}`,
  ];
}

/** The documented manual-install `docker run` (ECS developer guide, "Installing the Amazon ECS container agent"). */
export function agentRunArgs(view: HostView, envFile: string, cni?: AgentCniMounts): string[] {
  const dir = (path: string) => join(view.rootDir, path);
  return [
    'run',
    '--name',
    AGENT_CONTAINER,
    '--detach=true',
    '--restart=on-failure:10',
    // The engine's socket where EC2's dockerd keeps it (docker-engine.ts, its own /run).
    `--volume=${INSTANCE_DOCKER_SOCKET}:/var/run/docker.sock`,
    `--volume=${dir('var/log/ecs')}:/log`,
    `--volume=${dir('var/lib/ecs/data')}:/data`,
    `--volume=${dir('etc/ecs')}:/etc/ecs`,
    '--net=host',
    ...(cni ? taskNetworkingArgs(cni) : []),
    `--env-file=${envFile}`,
    ECS_INIT_AGENT_IMAGE,
  ];
}

/** The container's environment: the service manager's, the documented paths, and the lab's control plane. */
export function agentContainerEnvironment(view: HostView): Record<string, string> {
  return {
    ...view.agentEnvironment,
    ECS_LOGFILE: '/log/ecs-agent.log',
    ECS_DATADIR: '/data/',
    ECS_BACKEND_HOST: view.controlPlaneEndpoint,
    AWS_DEFAULT_REGION: view.region,
    // Task images are imported, never pulled: there is no registry.
    ECS_IMAGE_PULL_BEHAVIOR: 'prefer-cached',
    // Without the CNI stand-in (REAL_AGENT_TASK_ENI off) the agent would exit at start with the flag
    // ("Unable to initialize Task ENI dependencies"), so the instance registers without task-eni.
    ...(REAL_AGENT_TASK_ENI ? {} : { ECS_ENABLE_TASK_ENI: 'false' }),
  };
}

/** docker's env-file: one KEY=value a line, no quoting, so a value with a line break cannot be passed. */
export function envFileText(env: Record<string, string>): string {
  const lines = Object.entries(env).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || /[\r\n]/.test(value)) {
      throw new InfrastructureError(
        `real agent: environment entry ${JSON.stringify(key)} cannot go into docker's env-file`,
      );
    }
    return `${key}=${value}`;
  });
  return `${lines.join('\n')}\n`;
}

async function runAgentContainer(engine: DockerEngine, view: HostView, cni?: AgentCniMounts): Promise<void> {
  for (const path of ['var/log/ecs', 'var/lib/ecs/data', 'etc/ecs'])
    await mkdir(join(view.rootDir, path), { recursive: true });
  const envFile = join(engine.dir, 'agent.env');
  await writeFile(envFile, envFileText(agentContainerEnvironment(view)), { mode: 0o600 });
  await engine.docker(agentRunArgs(view, envFile, cni));
}

function runningAgent(engine: DockerEngine, cni: CniSocket | undefined): RunningAgent {
  return {
    async stop() {
      // Short: the lab's data plane is given 15 s to shut every instance down.
      await engine.docker(['stop', '--time', '5', AGENT_CONTAINER], { allowFailure: true, timeoutMs: 30_000 });
      await cni?.close();
      await engine.stop();
    },
  };
}
