import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const BIN = fileURLToPath(new URL('../bin/ecs-taskrole.js', import.meta.url));

/**
 * Runs the real CLI in a child process with the test's own Node (the project's Node 22). A lab it starts
 * (`lab up`) is held by this test's process (ECS_TASKROLE_LAB_HOLDER_PID), not until `lab down`: a killed or
 * timed-out spec leaves no lab running.
 */
export async function runCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}) {
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { ECS_TASKROLE_LAB_HOLDER_PID: String(process.pid), ...options.env },
    cwd: options.cwd,
    stdin: 'ignore',
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
