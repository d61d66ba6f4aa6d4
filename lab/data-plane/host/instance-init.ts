import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { InfrastructureError } from '../../../core/errors.ts';
import type { CommandResult, RunOptions } from '../network/commands.ts';
import { killProcesses } from '../network/netns.ts';
import { type InstancePaths, OVERLAID_DIRS, READ_ONLY_DIRS } from './instance-files.ts';

/** The PATH a root shell gets on Amazon Linux. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The PATH of user data and shells on the instance: the lab's shims first. */
export function instancePath(shimDir: string): string {
  return `${shimDir}:${SYSTEM_PATH}`;
}

export interface InstanceExecOptions extends RunOptions {
  env?: Record<string, string>;
  /**
   * Put the shims first on PATH (user data, interactive use). The simulator's own commands (ecs-init's
   * iptables calls, docker's setup) run without them, like the real services call the real binaries.
   */
  shims?: boolean;
  /** stdout and stderr interleaved in `stdout` (like `2>&1`), for logs such as cloud-init-output.log. */
  mergeOutput?: boolean;
}

/**
 * The instance's "PID 1": a process that holds the instance's mount and UTS namespaces (its filesystem
 * view and hostname) inside its network namespace. Every command of the instance (user data, shims'
 * helpers, ecs-init's iptables calls) joins these namespaces with nsenter.
 */
export interface InstanceInit {
  pid: number;
  /** Runs a command inside the instance (network, mounts, hostname) with a clean root environment. */
  exec(file: string, args: readonly string[], options?: InstanceExecOptions): Promise<CommandResult>;
  /** Where a path of the instance's filesystem view is reachable from the host (/proc/<pid>/root/…). */
  path(instancePath: string): string;
  stop(): Promise<void>;
}

export async function startInstanceInit(options: {
  netns: string;
  paths: InstancePaths;
  hostname: string;
  /** Shim names to bind over the machine's own binaries of that name (e.g. /usr/bin/systemctl). */
  shadowedCommands: readonly string[];
  /** What the instance's /run/systemd shows (initSystemLines). */
  initSystem: 'systemd' | 'upstart';
}): Promise<InstanceInit> {
  const script = initScript(options.paths, options.hostname, options.shadowedCommands, options.initSystem);
  const subprocess: ResultPromise = execa(
    'ip',
    ['netns', 'exec', options.netns, 'unshare', '--mount', '--uts', '--propagation', 'private', 'sh', '-c', script],
    { buffer: false, reject: false, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', env: { LC_ALL: 'C' } },
  );
  const pid = subprocess.pid;
  if (pid === undefined) throw new InfrastructureError('lab: could not start the instance init process');
  let stderr = '';
  subprocess.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    subprocess.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready\n')) resolve();
    });
    subprocess.then((result) => {
      reject(
        new InfrastructureError(`lab: instance init exited ${result.exitCode} before it was ready: ${stderr.trim()}`),
      );
    });
  });

  const env = (runOptions: InstanceExecOptions) => ({
    PATH: runOptions.shims ? instancePath(options.paths.shimDir) : SYSTEM_PATH,
    HOME: '/root',
    LANG: 'C.UTF-8',
    ...runOptions.env,
  });
  return {
    pid,
    exec: (file, args, runOptions = {}) =>
      runWithEnv(['-t', String(pid), '-m', '-n', '-u', '--', file, ...args], env(runOptions), runOptions),
    path: (instancePath) => join(`/proc/${pid}/root`, instancePath),
    stop: async () => {
      await killProcesses([pid]);
      await subprocess;
    },
  };
}

async function runWithEnv(
  args: string[],
  env: Record<string, string>,
  options: InstanceExecOptions,
): Promise<CommandResult> {
  const result = await execa('nsenter', args, {
    reject: false,
    env,
    extendEnv: false,
    input: options.input,
    timeout: options.timeoutMs ?? 30_000,
    all: options.mergeOutput === true,
  });
  if (options.mergeOutput) return { stdout: String(result.all ?? ''), stderr: '', exitCode: result.exitCode ?? -1 };
  const exitCode = result.exitCode ?? -1;
  if (exitCode !== 0 && !options.allowFailure) {
    throw new InfrastructureError(
      `lab instance: \`${args.slice(6).join(' ')}\` failed (exit ${exitCode}): ${String(result.stderr).trim()}`,
    );
  }
  return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode };
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * `/run/systemd/system` exists exactly when systemd is PID 1 (sd_booted(3)), and scripts test it to choose
 * systemd or SysV/upstart. The instance sees it on systemd AMIs and not on AL1, whatever this machine runs:
 * a tmpfs over /run/systemd in the instance's mount namespace (its mount point is made on this machine
 * when missing: an empty folder).
 */
function initSystemLines(initSystem: 'systemd' | 'upstart'): string[] {
  if (initSystem === 'systemd') {
    return [
      'if [ ! -d /run/systemd/system ]; then',
      '  mkdir -p /run/systemd && mount -t tmpfs -o mode=0755 tmpfs /run/systemd && mkdir /run/systemd/system',
      'fi',
    ];
  }
  return ['if [ -d /run/systemd ]; then mount -t tmpfs -o mode=0755 tmpfs /run/systemd; fi'];
}

function initScript(
  paths: InstancePaths,
  hostname: string,
  shadowed: readonly string[],
  initSystem: 'systemd' | 'upstart',
): string {
  const lines = ['set -e'];
  for (const dir of OVERLAID_DIRS) {
    const upper = quote(join(paths.rootDir, dir));
    const work = quote(join(paths.workDir, dir));
    lines.push(
      `if [ -d ${dir} ]; then mount -t overlay overlay -o lowerdir=${dir},upperdir=${upper},workdir=${work} ${dir}; fi`,
    );
  }
  for (const dir of READ_ONLY_DIRS) lines.push(`mount --bind ${dir} ${dir}`, `mount -o remount,bind,ro ${dir}`);
  lines.push(...initSystemLines(initSystem));
  for (const name of shadowed) {
    const shim = quote(join(paths.shimDir, name));
    for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin']) {
      lines.push(`if [ -f ${dir}/${name} ] && [ ! -L ${dir}/${name} ]; then mount --bind ${shim} ${dir}/${name}; fi`);
    }
  }
  lines.push(
    `hostname ${quote(hostname)}`,
    `printf '%s\\n' ${quote(hostname)} > /etc/hostname`,
    'echo ready',
    'exec sleep infinity',
  );
  return lines.join('\n');
}
