import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const BIN = fileURLToPath(new URL('../bin/ecs-taskrole.js', import.meta.url));

/** Runs the real CLI in a child process with the test's own Node (the project's Node 22). */
export async function runCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}) {
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: options.env,
    cwd: options.cwd,
    stdin: 'ignore',
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
