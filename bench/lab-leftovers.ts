/**
 * Processes of a bench run's lab still running after the run and `lab down` (moto, the data plane, agents):
 * found by the lab's own folder on their command line (moto's argv names it, the data plane's its consoles
 * folder beneath it), so nothing of another lab is ever touched. The agents and hosts go with the data plane.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function labProcessesOf(labDir: string): number[] {
  return readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .some((arg) => arg.startsWith(labDir));
      } catch {
        return false;
      }
    });
}

/**
 * Waits for the lab's processes to end by themselves (a daemon whose lab folder is gone ends within seconds:
 * lab/system/lab-holders.ts), then SIGTERMs what is left; returns the pids that were still running.
 */
export async function stopLeftovers(labDir: string, waitMs = 15_000): Promise<number[]> {
  for (let waited = 0; waited < waitMs && labProcessesOf(labDir).length > 0; waited += 500) await sleep(500);
  const left = labProcessesOf(labDir);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  return left;
}
