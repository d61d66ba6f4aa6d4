/**
 * One container as a real process tree: `unshare --pid --fork --mount-proc` so the container's command is
 * PID 1 of its own PID namespace (with its environment in /proc/1/environ), a private mount namespace
 * where /root is the image's home, and for bridge mode its own network and UTS namespaces (the caller
 * wires the network before the command starts). Killing the sandbox kills the whole PID namespace.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa, type ResultPromise } from 'execa';
import { GO_CLIENTS_DIR } from '../../../images/go-clients.ts';

/**
 * PID 1 before the command: into the container's memory cgroup (writing "0" to its cgroup.procs moves the
 * writer, and everything it starts stays there), the image's binds (`--bind SRC DST`), the host folders the task
 * may read but never write (`--read-only DIR`, when it exists), the paths the image needs from the
 * host's /root bound into the task home (e.g. the pyenv Python; startSandbox makes their mount points
 * first, without a process each), the home over /root, the hostname; then "ready" on fd 3, wait for "go",
 * close fd 3 and exec the command. Runs with the container's environment, so it uses absolute paths. Last,
 * the image's own /usr/sbin and /usr/bin (after them this machine's commands are gone: only builtins
 * follow), and a private /run when the container mounts something there (last: the other mounts' sources
 * may lie under the machine's /run). Exit 125 (Docker's "the daemon failed") when the set-up fails.
 */
const INIT_SCRIPT = `home=$1; host=$2; sysbin=$3; syssbin=$4; procs=$5; run=$6; shift 6
if [ -n "$procs" ]; then echo 0 > "$procs" || exit 125; fi
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  if [ "$1" = "--bind" ]; then
    /bin/mount --bind "$2" "$3" || exit 125
    shift 3
  elif [ "$1" = "--read-only" ]; then
    if [ -d "$2" ]; then /bin/mount --bind "$2" "$2" && /bin/mount -o remount,bind,ro "$2" "$2" || exit 125; fi
    shift 2
  else
    /bin/mount --rbind "$1" "$home\${1#/root}" || exit 125
    shift
  fi
done
shift
/bin/mount --rbind "$home" /root || exit 125
if [ -n "$host" ]; then /bin/hostname "$host" || exit 125; fi
cd /root || exit 125
if [ -n "$syssbin" ]; then /bin/mount --bind "$syssbin" /usr/sbin || exit 125; fi
if [ -n "$sysbin" ]; then /bin/mount --bind "$sysbin" /usr/bin || exit 125; fi
if [ -n "$run" ]; then /bin/mount --rbind "$run" /run || exit 125; fi
echo ready >&3
read -r go <&3 || exit 125
exec 3>&-
exec "$@"`;

/**
 * Host folders a task sees read-only: the lab's Go client builds, which the golang image's go copies into
 * the task (a task writing there would change what later tasks run). A task is root in its own mount
 * namespace and could remount it; this keeps a task's ordinary writes out, not a task set on undoing it.
 */
const READ_ONLY_HOST_DIRS = [GO_CLIENTS_DIR];

export interface SandboxOptions {
  argv: readonly string[];
  env: Record<string, string>;
  /** Per-task directory mounted over /root. */
  homeDir: string;
  /** Host paths under /root the image's programs need (kept visible inside the task home). */
  keepUnderRoot: readonly string[];
  /** The image's /usr/bin and /usr/sbin for this task (merged /usr: /bin and /sbin follow); unset: the machine's. */
  system?: { bin: string; sbin: string };
  /** Directories mounted over existing paths of the task's view (the image's /usr/local/bin). */
  binds?: ReadonlyArray<{ source: string; target: string }>;
  /**
   * A directory mounted over /run (and so /var/run) after every other mount: the container's own /run, with
   * its volumes' mount points there already bound (a container never sees the machine's /run).
   */
  privateRun?: string;
  /** The container's memory cgroup (its `cgroup.procs`): the command and its children run limited. */
  memoryCgroupProcs?: string;
  /** Bridge and awsvpc: own network + UTS namespace, wired by `configureNetwork(pid)` before the command starts. */
  network: { mode: 'host' } | { mode: 'bridge'; hostname: string; configureNetwork: (pid: number) => Promise<void> };
  onOutput: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface SandboxExit {
  /** Docker's convention: the exit status, or 128 + signal number. */
  exitCode: number;
}

export interface Sandbox {
  /** PID (in the agent's namespace) of the `unshare` process that holds the task's namespaces. */
  pid: number;
  exited: Promise<SandboxExit>;
  /** SIGKILL: unshare --kill-child takes PID 1, and with it every process of the task. */
  kill(): void;
}

export class SandboxStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxStartError';
  }
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
/**
 * unshare (util-linux 2.38) passes on its child's death by a signal by raising the same signal; where that
 * fails for SIGKILL (this machine's kernel) it prints this and exits 1. The child was killed (the OOM killer,
 * or a kill from outside the task): Docker reports 137, and the line is unshare's, not the container's.
 */
const UNSHARE_RERAISE_FAILED = /^unshare: sigprocmask unblock failed/;

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const keep = options.keepUnderRoot.filter((path) => path.startsWith('/root/'));
  await Promise.all(keep.map((path) => mkdir(join(options.homeDir, path.slice('/root'.length)), { recursive: true })));
  const subprocess = spawnSandbox(options, keep);
  const output = collectOutput(subprocess, options);
  // Resolves once the process is gone and every output line was delivered.
  const exited = exitOf(subprocess).then(async (exit) => {
    await output.done;
    return output.killedBySignal() && exit.exitCode === 1 ? { exitCode: 128 + 9 } : exit;
  });
  const control = subprocess.stdio[3] as unknown as NodeJS.ReadWriteStream | undefined;
  const pid = subprocess.pid;
  if (!control || pid === undefined) {
    subprocess.kill('SIGKILL');
    throw new SandboxStartError('could not start unshare');
  }

  const ready = await Promise.race([
    new Promise<boolean>((resolve) => control.once('data', () => resolve(true))),
    exited.then(() => false),
  ]);
  if (!ready) {
    const { exitCode } = await exited;
    throw new SandboxStartError(`task set-up failed (exit ${exitCode}): ${output.firstLines.join(' | ')}`);
  }
  try {
    if (options.network.mode === 'bridge') await options.network.configureNetwork(pid);
  } catch (error) {
    subprocess.kill('SIGKILL');
    await exited;
    throw new SandboxStartError(`task network set-up failed: ${error instanceof Error ? error.message : error}`, {
      cause: error,
    });
  }
  control.write('go\n');
  return { pid, exited, kill: () => subprocess.kill('SIGKILL') };
}

/**
 * unshare with the task's namespaces running the init script, which waits on fd 3 for its network; `keep`:
 * the paths under /root the init script binds into the task's home. Not async: a returned subprocess would
 * be awaited to its exit.
 */
function spawnSandbox(options: SandboxOptions, keep: readonly string[]): ResultPromise {
  const bridge = options.network.mode === 'bridge';
  const namespaces = ['--pid', '--fork', '--mount-proc', '--ipc', '--kill-child=SIGKILL'];
  if (bridge) namespaces.push('--net', '--uts');
  const hostname = options.network.mode === 'bridge' ? options.network.hostname : '';
  const binds = [
    ...(options.binds ?? []).flatMap(({ source, target }) => ['--bind', source, target]),
    ...READ_ONLY_HOST_DIRS.flatMap((dir) => ['--read-only', dir]),
  ];
  // setpriv: unshare dies with the agent (parent-death signal), and --kill-child takes the task along,
  // so no task outlives a crashed agent.
  return execa(
    '/usr/bin/setpriv',
    [
      '--pdeathsig',
      'SIGKILL',
      '/usr/bin/unshare',
      ...namespaces,
      '/bin/sh',
      '-c',
      INIT_SCRIPT,
      'lab-init',
      options.homeDir,
      hostname,
      options.system?.bin ?? '',
      options.system?.sbin ?? '',
      options.memoryCgroupProcs ?? '',
      options.privateRun ?? '',
      ...binds,
      ...keep,
      '--',
      ...options.argv,
    ],
    {
      env: options.env,
      extendEnv: false,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      buffer: false,
      reject: false,
    },
  );
}

/** The task's output, line by line to onOutput; the first lines kept for a set-up failure's message. */
function collectOutput(
  subprocess: ResultPromise,
  options: SandboxOptions,
): { done: Promise<unknown>; firstLines: string[]; killedBySignal(): boolean } {
  const firstLines: string[] = [];
  let killedBySignal = false;
  const forward = (stream: 'stdout' | 'stderr', readable: Readable | null) =>
    new Promise<void>((resolve) => {
      if (!readable) return resolve();
      const lines = createInterface({ input: readable, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => {
        if (stream === 'stderr' && UNSHARE_RERAISE_FAILED.test(line)) {
          killedBySignal = true;
          return;
        }
        if (firstLines.length < 20) firstLines.push(line);
        options.onOutput(stream, line);
      });
      lines.on('close', resolve);
    });
  return {
    done: Promise.all([forward('stdout', subprocess.stdout), forward('stderr', subprocess.stderr)]),
    firstLines,
    killedBySignal: () => killedBySignal,
  };
}

async function exitOf(subprocess: ResultPromise): Promise<SandboxExit> {
  const result = await subprocess;
  if (typeof result.exitCode === 'number') return { exitCode: result.exitCode };
  return { exitCode: 128 + (SIGNAL_NUMBERS[result.signal ?? ''] ?? 0) };
}
