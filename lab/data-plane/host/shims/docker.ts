import { agentVersionOfImage } from '../../../../infra/user-data/agent-image.ts';
import type { ServiceResult } from '../host-services.ts';
import { parseDockerEnvFile } from '../service-config.ts';
import { fail, ok, type ShimCall, type ShimHandler } from './shim-call.ts';

/** docker run options that take a value (the rest are booleans). */
const VALUE_OPTIONS = new Set(
  [
    'a attach add-host cap-add cap-drop cgroup-parent cidfile cpus cpu-shares c device dns entrypoint e env',
    'env-file expose h hostname health-cmd ip ipc label l log-driver log-opt m memory memory-swap mount name net',
    'network pid platform p publish pull restart security-opt shm-size stop-signal stop-timeout sysctl tmpfs u',
    'user ulimit userns uts v volume volumes-from w workdir gpus memory-reservation cpuset-cpus cpuset-mems',
    'isolation runtime oom-score-adj group-add dns-search dns-option mac-address link health-interval',
    'health-retries health-timeout health-start-period blkio-weight kernel-memory pids-limit cpu-period',
    'cpu-quota device-cgroup-rule cgroupns label-file domainname',
  ]
    .join(' ')
    .split(' '),
);

interface RunOptions {
  name?: string;
  restart: string;
  envFiles: string[];
  env: string[];
  image?: string;
}

/** Parses `docker run` arguments up to the image (`-e X=1`, `--env=X=1`, `-eX=1`, `-dit`, `--detach=true`). */
export function parseDockerRun(args: readonly string[]): RunOptions {
  const options: RunOptions = { restart: 'no', envFiles: [], env: [] };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (!arg.startsWith('-') || arg === '-') {
      options.image = arg;
      break;
    }
    let name: string;
    let value: string | undefined;
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
      value = equals < 0 ? undefined : arg.slice(equals + 1);
    } else {
      // Short flags: a value option takes the rest of the word or the next argument; booleans combine (-dit).
      const letters = arg.slice(1);
      const valueAt = [...letters].findIndex((letter) => VALUE_OPTIONS.has(letter));
      if (valueAt < 0) continue;
      name = letters.charAt(valueAt);
      const rest = letters.slice(valueAt + 1).replace(/^=/, '');
      value = rest.length > 0 ? rest : undefined;
    }
    if (!VALUE_OPTIONS.has(name)) continue;
    if (value === undefined) {
      index += 1;
      value = args[index] ?? '';
    }
    if (name === 'e' || name === 'env') options.env.push(value);
    else if (name === 'env-file') options.envFiles.push(value);
    else if (name === 'name') options.name = value;
    else if (name === 'restart') options.restart = value;
  }
  return options;
}

async function agentEnvironment(call: ShimCall, options: RunOptions): Promise<Record<string, string> | string> {
  const env: Record<string, string> = {};
  for (const file of options.envFiles) {
    const text = await call.readFile(file);
    if (text === undefined) return `docker: open ${file}: no such file or directory.`;
    Object.assign(env, parseDockerEnvFile(text, call.env));
  }
  for (const entry of options.env) {
    const equals = entry.indexOf('=');
    if (equals >= 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
    else if (call.env[entry] !== undefined) env[entry] = call.env[entry];
  }
  return env;
}

/**
 * docker for the agent container only: `docker run … amazon/amazon-ecs-agent` starts the lab agent with
 * the environment the flags give it (the way the agent is installed on plain AMIs), and
 * stop/start/restart/rm/ps/pull act on it. Other images are refused loudly.
 */
export const docker: ShimHandler = async (call, services) => {
  // No docker package (plain AL2023): bash finds no such command. Installed but not started: the CLI
  // cannot reach dockerd (docker's own messages; `run` exits 125 like every docker run failure).
  if (!services.isInstalled('docker')) return fail(127, 'bash: docker: command not found\n');
  const [command, ...args] = call.argv;
  if (!services.isActive('docker') && command !== 'version' && command !== undefined) {
    const reason = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
    return command === 'run' ? fail(125, `docker: ${reason}\nSee 'docker run --help'.\n`) : fail(1, `${reason}\n`);
  }
  switch (command) {
    case 'run':
      return runAgentContainer(call, args, services);
    case 'stop':
    case 'kill':
      return each(args, (name) => services.stopContainer(name));
    case 'start':
      return each(args, (name) => services.startContainer(name));
    case 'restart':
      return each(args, async (name) => {
        const stopped = await services.stopContainer(name);
        return stopped.exitCode === 0 ? services.startContainer(name) : stopped;
      });
    case 'rm': {
      const force = args.some((arg) => arg === '-f' || arg === '--force');
      return each(args, (name) => services.removeContainer(name, force));
    }
    case 'ps':
      return listContainers(args, services);
    case 'pull':
      return ok(`lab: pull of ${args.at(-1) ?? ''} skipped (image treated as present)\n`);
    case 'info':
    case 'version':
    case 'images':
      return ok('lab docker (simulated)\n');
    default:
      return fail(1, `docker (lab): '${command ?? ''}' is not simulated`);
  }
};

type Services = Parameters<ShimHandler>[1];

/** `docker run` of the agent image: the lab agent, with the environment the flags and env files give it. */
async function runAgentContainer(call: ShimCall, args: string[], services: Services): Promise<ServiceResult> {
  const options = parseDockerRun(args);
  if (!options.image) return fail(125, '"docker run" requires at least 1 argument.');
  if (!agentVersionOfImage(options.image)) {
    return fail(125, `docker (lab): only the ECS agent image runs on lab instances; ${options.image} is not simulated`);
  }
  const env = await agentEnvironment(call, options);
  if (typeof env === 'string') return fail(125, env);
  return services.runContainer({
    name: options.name ?? 'ecs-agent',
    image: options.image,
    env,
    restart: options.restart,
    stoppedByUser: false,
  });
}

function listContainers(args: string[], services: Services): ServiceResult {
  const all = args.includes('-a') || args.includes('--all');
  const rows = services
    .containers()
    .filter((container) => all || services.containerRunning(container.name))
    .map(
      (container) =>
        `${container.image}\t${services.containerRunning(container.name) ? 'Up' : 'Exited (0)'}\t${container.name}`,
    );
  return ok(['IMAGE\tSTATUS\tNAMES', ...rows].join('\n').concat('\n'));
}

async function each(
  args: readonly string[],
  action: (name: string) => Promise<{ exitCode: number; stdout: string; stderr: string }>,
) {
  const names = args.filter((arg) => !arg.startsWith('-'));
  const results = [];
  for (const name of names) results.push(await action(name));
  return {
    exitCode: results.find((result) => result.exitCode !== 0)?.exitCode ?? 0,
    stdout: results.map((result) => result.stdout).join(''),
    stderr: results.map((result) => result.stderr).join(''),
  };
}
