/**
 * A real Docker engine (Debian's docker.io 20.10) for one lab instance: dockerd in the instance's network
 * namespace, entered with `nsenter --net` (not `ip netns exec`, which remounts /sys without the cgroup
 * hierarchies: dockerd then exits with "Devices cgroup isn't mounted") and in a private mount namespace
 * (`unshare -m`), so its overlay mounts die with it. Everything it keeps is under `dir`: data root, exec
 * root (with the containerd dockerd supervises), pidfile, socket, config, log; its second socket, the
 * instance's /var/run/docker.sock, is in a /run of its own (PRIVATE_RUN). Its containers' cgroups sit
 * under their own parent, so stopping the engine can end whatever its containers left.
 */

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { InfrastructureError } from '../../../core/errors.ts';
import { processAlive } from '../../../infra/system/process-alive.ts';
import { DOCKER_ENGINE_PACKAGES, ensureSystemPackages } from '../../../infra/system/system-packages.ts';
import { stopLabProcess } from '../../system/lab-process.ts';
import { removeCgroupTree } from '../network/cgroup-tree.ts';
import { type CommandResult, run } from '../network/commands.ts';

/** Debian's client, the daemon's own version (another `docker` may come first on PATH). */
export const DOCKER_CLI = '/usr/bin/docker';
const DOCKERD = '/usr/sbin/dockerd';
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 8_000;
/** The kernel's limit for a unix socket path (sun_path, 108 bytes with its NUL), with room for containerd's. */
const MAX_SOCKET_PATH = 80;
/** Where an EC2 instance's dockerd listens, and where tasks that start siblings mount it from. */
export const INSTANCE_DOCKER_SOCKET = '/var/run/docker.sock';
/**
 * The engine's own /run, made in its mount namespace before dockerd starts: a tmpfs holding the machine's
 * /run entries (folders and files bound, links copied; no links of the lab's own, which runc refuses on a
 * container's root file system path) except the machine's Docker and containerd (`docker.sock`, `docker`,
 * `containerd`): with /run/containerd/containerd.sock present dockerd uses that containerd instead of
 * starting its own, and a container that binds /var/run/docker.sock (a task starting siblings) must get
 * this engine's socket, never the machine's. Filled at `$1` (a folder of the engine's) from a bind of the
 * machine's /run (`.h`, let go once used), then moved over /run. dockerd then listens at
 * /var/run/docker.sock as on EC2, seen only in its namespace; the machine's /run is left as it was.
 * Constant text: the folder and the engine's command come as arguments, never inside the script.
 */
const PRIVATE_RUN = [
  'place=$1; shift',
  'mount -t tmpfs -o mode=0755,size=1m tmpfs "$place" && mkdir "$place/.h" && mount --rbind /run "$place/.h" || exit 1',
  'for entry in "$place"/.h/* "$place"/.h/.[!.]*; do',
  '  name=$(basename "$entry")',
  "  case $name in '*'|'.[!.]*'|containerd|docker|docker.sock|docker.pid) continue ;; esac",
  '  if [ -L "$entry" ]; then ln -s "$(readlink "$entry")" "$place/$name"',
  '  elif [ -d "$entry" ]; then mkdir "$place/$name" && mount --rbind "$entry" "$place/$name"',
  '  else touch "$place/$name" && mount --bind "$entry" "$place/$name"',
  '  fi || exit 1',
  'done',
  'umount --lazy "$place/.h" && rmdir "$place/.h" && mount --move "$place" /run || exit 1',
  'exec "$@"',
].join('\n');

export interface DockerEngineOptions {
  /** Name of the network namespace (under /run/netns). */
  netns: string;
  /** The engine's private folder (short: its sockets live below it). */
  dir: string;
  /** cgroup parent of its containers (cgroupfs driver), e.g. `/etr1a2b-i-0abc`. */
  cgroupParent: string;
  /** docker0's address and prefix (`--bip`), e.g. `198.19.0.1/24`. */
  bridgeIp?: string;
  /** false: no docker0, no iptables rules (`--bridge=none --iptables=false`), for a namespace whose network the lab owns. */
  network?: boolean;
  /**
   * A data root outside `dir`, kept when the engine stops (a seed, engine-seed.ts); default: `dir/data`,
   * removed with the folder.
   */
  dataRoot?: string;
  /** daemon.json (e.g. the default log driver and its options). */
  daemonConfig?: Record<string, unknown>;
}

export interface DockerEngine {
  netns: string;
  dir: string;
  socket: string;
  pid: number;
  /** The Docker CLI against this engine (argv only). */
  docker(
    args: readonly string[],
    options?: { input?: string; allowFailure?: boolean; timeoutMs?: number },
  ): Promise<CommandResult>;
  stop(): Promise<void>;
}

export function enginePaths(dir: string, dataRoot?: string) {
  return {
    dataRoot: dataRoot ?? join(dir, 'data'),
    execRoot: join(dir, 'x'),
    pidfile: join(dir, 'dockerd.pid'),
    socket: join(dir, 'docker.sock'),
    config: join(dir, 'daemon.json'),
    log: join(dir, 'dockerd.log'),
    /** Where the engine's own /run is made before it is moved over /run (PRIVATE_RUN). */
    runDir: join(dir, 'run'),
  };
}

export function dockerdArgs(options: DockerEngineOptions): string[] {
  const paths = enginePaths(options.dir, options.dataRoot);
  const network =
    options.network === false
      ? ['--bridge=none', '--iptables=false', '--ip-masq=false']
      : options.bridgeIp
        ? [`--bip=${options.bridgeIp}`]
        : [];
  return [
    `--data-root=${paths.dataRoot}`,
    `--exec-root=${paths.execRoot}`,
    `--pidfile=${paths.pidfile}`,
    `--host=unix://${paths.socket}`,
    `--host=unix://${INSTANCE_DOCKER_SOCKET}`,
    `--config-file=${paths.config}`,
    '--exec-opt=native.cgroupdriver=cgroupfs',
    `--cgroup-parent=${options.cgroupParent}`,
    '--storage-driver=overlay2',
    ...network,
  ];
}

export async function startDockerEngine(options: DockerEngineOptions): Promise<DockerEngine> {
  const paths = enginePaths(options.dir, options.dataRoot);
  const longest = join(paths.execRoot, 'containerd', 'containerd.sock.ttrpc');
  if (longest.length > MAX_SOCKET_PATH) {
    throw new InfrastructureError(`docker engine folder ${options.dir} is too long for its sockets (${longest})`);
  }
  // One name under the root, never "." or ".." (stopping the engine ends every process in that cgroup tree).
  if (!/^\/(?!\.{1,2}$)[A-Za-z0-9_.-]+$/.test(options.cgroupParent)) {
    throw new InfrastructureError(`docker engine: cgroup parent "${options.cgroupParent}" is not one absolute name`);
  }
  await ensureEnginePackage();
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  await mkdir(paths.runDir, { recursive: true });
  await writeFile(paths.config, `${JSON.stringify(options.daemonConfig ?? {})}\n`);
  const logFd = openSync(paths.log, 'a');
  const child = spawn(
    'nsenter',
    [
      `--net=/run/netns/${options.netns}`,
      '--',
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      PRIVATE_RUN,
      'sh',
      paths.runDir,
      DOCKERD,
      ...dockerdArgs(options),
    ],
    { detached: true, stdio: ['ignore', logFd, logFd], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } },
  );
  closeSync(logFd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new InfrastructureError('docker engine: dockerd did not start');
  const engine = engineHandle(options, pid);
  await waitUntilUp(engine, paths.log);
  return engine;
}

let enginePackage: Promise<void> | undefined;

/** Debian's docker.io, installed (as root) or asked for once per process: every instance's engine needs it. */
export function ensureEnginePackage(): Promise<void> {
  enginePackage ??= ensureSystemPackages(DOCKER_ENGINE_PACKAGES).catch((error: unknown) => {
    enginePackage = undefined;
    throw error;
  });
  return enginePackage;
}

function engineHandle(options: DockerEngineOptions, pid: number): DockerEngine {
  const { socket } = enginePaths(options.dir);
  let stopping: Promise<void> | undefined;
  return {
    netns: options.netns,
    dir: options.dir,
    socket,
    pid,
    docker: (args, runOptions = {}) =>
      run(DOCKER_CLI, ['--host', `unix://${socket}`, ...args], { timeoutMs: 120_000, ...runOptions }),
    stop() {
      stopping ??= stopEngine(options, pid);
      return stopping;
    },
  };
}

async function waitUntilUp(engine: DockerEngine, log: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!processAlive(engine.pid)) break;
    const probe = await execa(
      DOCKER_CLI,
      ['--host', `unix://${engine.socket}`, 'version', '--format', '{{.Server.Version}}'],
      { reject: false, timeout: 10_000 },
    );
    if (probe.exitCode === 0) return;
    await sleep(250);
  }
  const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
  await engine.stop();
  throw new InfrastructureError(
    `docker engine in ${engine.netns} did not come up within ${START_TIMEOUT_MS / 1000} s: ${tail}`,
  );
}

/** TERM (dockerd stops its containers and its containerd), KILL after the grace; then what the containers left, and the folder. */
async function stopEngine(options: DockerEngineOptions, pid: number): Promise<void> {
  // The marker: only a process whose command line names this engine's folder is ours (pids are recycled).
  await stopLabProcess(pid, enginePaths(options.dir, options.dataRoot).dataRoot, STOP_GRACE_MS);
  await removeCgroupTree(options.cgroupParent);
  await rm(options.dir, { recursive: true, force: true });
}
