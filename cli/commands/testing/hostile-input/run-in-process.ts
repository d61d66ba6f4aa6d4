import { main } from '../../../main.ts';

/**
 * Runs the CLI in the test's own process, capturing what it writes: the same code path as the binary
 * (main → commands → reportError) at a fraction of a child process's start-up time, for the many small
 * malformed inputs. The giant ones run in a child process with a memory limit instead.
 */
export async function runInProcess(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    const exitCode = await main(['node', 'ecs-taskrole', ...args]);
    return { exitCode, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = previousExitCode;
  }
}
