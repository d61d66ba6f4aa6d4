/**
 * For the real-agent probe (real-agent-probe.spec.ts): the real ECS agent binary, run by hand inside one lab
 * instance's network namespace beside a Docker engine of its own:
 * containerd and dockerd with private roots and sockets (`--bridge=none --iptables=false`, so the lab's own
 * docker0 and iptables stay the instance's), each under `nsenter --net` plus `unshare -m` (`ip netns exec`
 * remounts /sys and dockerd then finds no cgroups). Everything lives in one folder and dies with stop().
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

/** Names the agent binary to probe (e.g. the one `go build` made from the agent's source); unset: skip. */
export const AGENT_BINARY_VARIABLE = 'ECS_TASKROLE_AGENT_BINARY';

/** Why the probe cannot run here, or undefined when it can. */
export function realAgentMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, dockerd)';
  const binary = env[AGENT_BINARY_VARIABLE];
  if (!binary || !existsSync(binary)) return `${AGENT_BINARY_VARIABLE} names no agent binary`;
  for (const program of ['dockerd', 'containerd', 'docker']) {
    if (!whichSync(program)) return `${program} is not installed`;
  }
  return undefined;
}

function whichSync(program: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(':')
    .map((dir) => join(dir, program))
    .find((path) => existsSync(path));
}

export interface RealAgentOptions {
  netns: string;
  dir: string;
  binary: string;
  /** ECS_CLUSTER, ECS_BACKEND_HOST and whatever else the probe sets. */
  agentEnvironment: Record<string, string>;
}

export interface RealAgentHost {
  dockerSocket: string;
  agentLog: string;
  /** `docker …` against this engine. */
  docker(args: readonly string[]): Promise<string>;
  /** A command inside the instance's network namespace (its loopback: the agent's endpoints). */
  inNamespace(file: string, args: readonly string[]): Promise<string>;
  startAgent(): void;
  stop(): Promise<void>;
}

export async function startRealAgentHost(options: RealAgentOptions): Promise<RealAgentHost> {
  const { dir, netns } = options;
  for (const sub of ['containerd', 'docker-data', 'docker-exec', 'agent-data', 'host-data']) {
    await mkdir(join(dir, sub), { recursive: true, mode: 0o700 });
  }
  const containerdSocket = join(dir, 'containerd.sock');
  const dockerSocket = join(dir, 'docker.sock');
  const agentLog = join(dir, 'agent.log');
  writeFileSync(join(dir, 'containerd.toml'), 'version = 2\n');
  const pids: number[] = [];
  const inNetns = (command: readonly string[], log: string, env?: Record<string, string>) => {
    const out = openSync(join(dir, log), 'a');
    const child = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', 'unshare', '-m', '--', ...command], {
      stdio: ['ignore', out, out],
      detached: true,
      ...(env ? { env } : {}),
    });
    if (child.pid) pids.push(child.pid);
    child.unref();
  };
  // containerd and dockerd share one mount namespace: runc (containerd's) must see the root file systems
  // dockerd mounts. The paths reach the shell as arguments, never inside its script.
  const engine = [
    'containerd --config "$1" --address "$2" --root "$3" --state "$4" >>"$5" 2>&1 &',
    'exec dockerd --containerd "$2" --data-root "$6" --exec-root "$7" --pidfile "$8" -H "unix://$9"',
    '--bridge=none --iptables=false',
  ].join(' ');
  inNetns(
    [
      'sh',
      '-c',
      engine,
      'sh',
      join(dir, 'containerd.toml'),
      containerdSocket,
      join(dir, 'containerd', 'root'),
      join(dir, 'containerd', 'state'),
      join(dir, 'containerd.log'),
      join(dir, 'docker-data'),
      join(dir, 'docker-exec'),
      join(dir, 'docker.pid'),
      dockerSocket,
    ],
    'dockerd.log',
  );
  await waitForPath(dockerSocket);
  const docker = async (args: readonly string[]) =>
    (await execa('docker', ['-H', `unix://${dockerSocket}`, ...args])).stdout;
  await waitFor(async () => (await docker(['version', '--format', '{{.Server.Version}}']).catch(() => '')) !== '');
  return {
    dockerSocket,
    agentLog,
    docker,
    inNamespace: async (file, args) =>
      (await execa('nsenter', [`--net=/run/netns/${netns}`, '--', file, ...args], { reject: false })).stdout,
    startAgent() {
      const env = {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        DOCKER_HOST: `unix://${dockerSocket}`,
        ECS_DATADIR: join(dir, 'agent-data'),
        ECS_HOST_DATA_DIR: join(dir, 'host-data'),
        ECS_AUDIT_LOGFILE: join(dir, 'audit.log'),
        ECS_LOGLEVEL: 'debug',
        ...options.agentEnvironment,
      };
      inNetns([options.binary], 'agent.log', env);
    },
    async stop() {
      const [engine, ...agents] = pids;
      for (const pid of agents) await stopGroup(pid);
      // Task containers outlive dockerd (their shims are containerd's, in sessions of their own).
      const ids = (await docker(['ps', '-aq']).catch(() => '')).split('\n').filter(Boolean);
      if (ids.length > 0) await docker(['rm', '-f', ...ids]).catch(() => '');
      if (engine) await stopGroup(engine);
    },
  };
}

/** The agent's log so far (its stdout and stderr). */
export function agentLogText(host: RealAgentHost): string {
  return existsSync(host.agentLog) ? readFileSync(host.agentLog, 'utf8') : '';
}

async function stopGroup(pid: number): Promise<void> {
  // Each was started detached: its process group is it and what it started (dockerd's shims, the agent).
  const signal = (sig: NodeJS.Signals | 0) => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  if (!signal('SIGTERM')) return;
  for (let waited = 0; waited < 10_000; waited += 200) {
    if (!signal(0)) return;
    await sleep(200);
  }
  signal('SIGKILL');
}

async function waitForPath(path: string): Promise<void> {
  await waitFor(async () => existsSync(path));
}

async function waitFor(condition: () => Promise<boolean>, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${limitMs / 1000} s`);
    await sleep(200);
  }
}
