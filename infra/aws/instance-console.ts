/**
 * An instance's console output, the evidence a platform engineer reads when an instance's cells fail
 * (user data errors, the agent's service not starting): EC2 GetConsoleOutput, decoded, its tail. The same
 * call reaches the lab, whose control plane answers with what the simulated instance printed.
 */
import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { consoleTail } from '../../core/results/console-tail.ts';
import type { AwsClients } from './clients.ts';

/** A console read that hangs must not hold up the cell's result. */
const CONSOLE_TIMEOUT_MS = 15_000;

/**
 * The console tail of one instance; '' when EC2 has none yet (it buffers the console and may return
 * nothing for minutes after boot). A failed read is not the cell's failure: its reason is the text.
 */
export async function readInstanceConsole(clients: AwsClients, instanceId: string): Promise<string> {
  try {
    const output = await clients.ec2.send(
      // Latest: the most recent output, not the buffer of the last boot; supported on Nitro instances,
      // which the harness's instance type (t3.small) is.
      new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }),
      { abortSignal: AbortSignal.timeout(CONSOLE_TIMEOUT_MS) },
    );
    return consoleTail(output.Output ? Buffer.from(output.Output, 'base64').toString('utf8') : '');
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return consoleTail(`[ecs-taskrole: GetConsoleOutput of ${instanceId} failed: ${name}: ${message}]`);
  }
}

/**
 * One read per instance in this process: the cells of an instance group share the instance, and the
 * Playwright workers (one process each) keep their own.
 */
export function instanceConsoleCache(read: (instanceId: string) => Promise<string>) {
  const reads = new Map<string, Promise<string>>();
  return (instanceId: string): Promise<string> => {
    let pending = reads.get(instanceId);
    if (!pending) {
      pending = read(instanceId);
      reads.set(instanceId, pending);
    }
    return pending;
  };
}
