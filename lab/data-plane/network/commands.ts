import { execa } from 'execa';
import { InfrastructureError } from '../../../core/errors.ts';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  input?: string;
  /** Return the failure instead of throwing (for probes and idempotent deletes). */
  allowFailure?: boolean;
  timeoutMs?: number;
}

/** Runs one system command (ip, iptables, sysctl…); a failure names the command and its stderr. */
export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const result = await execa(file, args, {
    reject: false,
    input: options.input,
    timeout: options.timeoutMs ?? 30_000,
    stripFinalNewline: true,
    env: { LC_ALL: 'C' },
  });
  const exitCode = result.exitCode ?? -1;
  if (exitCode !== 0 && !options.allowFailure) {
    const detail = (result.stderr || result.stdout || result.shortMessage || '').trim();
    throw new InfrastructureError(`lab: \`${file} ${args.join(' ')}\` failed (exit ${exitCode}): ${detail}`);
  }
  return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode };
}

/** Runs a command inside a named network namespace (root mount namespace, so no per-instance files). */
export function runInNetns(
  netns: string,
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  return run('nsenter', [`--net=/run/netns/${netns}`, '--', file, ...args], options);
}

/**
 * Many `ip` commands in few processes (`ip -batch`), boot speed matters. A line may start with
 * `-n <netns>` to run in that namespace; consecutive lines of the same namespace share one process.
 */
export async function ipBatch(lines: readonly string[], options: RunOptions = {}): Promise<void> {
  const groups: { netns: string | undefined; lines: string[] }[] = [];
  for (const line of lines) {
    const match = /^-n\s+(\S+)\s+(.*)$/.exec(line);
    const netns = match?.[1];
    const command = match?.[2] ?? line;
    const last = groups.at(-1);
    if (last && last.netns === netns) last.lines.push(command);
    else groups.push({ netns, lines: [command] });
  }
  for (const group of groups) {
    const args = group.netns ? ['-n', group.netns, '-batch', '-'] : ['-batch', '-'];
    await run('ip', args, { ...options, input: `${group.lines.join('\n')}\n` });
  }
}
