import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { setPriority } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import { InfrastructureError } from '../../../core/errors.ts';
import { buildEnvironment } from '../../../infra/system/build-environment.ts';

/** A step starved by a busy machine can take an hour (measured: 30 min at 8 % of a core); past 3 h it is stuck. */
const STEP_TIMEOUT_MS = 3 * 3600_000;
/** Builds share a busy machine with the lab: they run at a slightly lower priority. */
const BUILD_NICENESS = 5;

/** One build command (argv, never a shell, a minimal environment); its failure names the command and its last lines. */
export async function buildStep(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const child = execa(file, args, {
    cwd: options.cwd,
    // Never the caller's environment (its AWS keys, proxies, GO* settings): what the step needs, named.
    env: buildEnvironment(options.env),
    extendEnv: false,
    reject: false,
    all: true,
    timeout: STEP_TIMEOUT_MS,
  });
  if (child.pid !== undefined) {
    try {
      setPriority(child.pid, BUILD_NICENESS);
    } catch {
      // gone already: its result says why
    }
  }
  const result = await child;
  if (result.exitCode !== 0) {
    const tail = String(result.all ?? '')
      .trim()
      .split('\n')
      .slice(-8)
      .join('\n');
    throw new InfrastructureError(`\`${file} ${args.join(' ')}\` failed (exit ${result.exitCode ?? 'none'}): ${tail}`);
  }
  return String(result.stdout ?? '');
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
