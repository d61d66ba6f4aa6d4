import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** True only for a live process whose command line names `marker`: a recycled pid is never ours to kill. */
export function isLabProcess(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone, saying whether it was killed. */
export async function stopLabProcess(pid: number, marker: string, graceMs = 3_000): Promise<{ killed: boolean }> {
  if (!isLabProcess(pid, marker)) return { killed: false };
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs && isLabProcess(pid, marker); waited += 50) await sleep(50);
  const killed = isLabProcess(pid, marker);
  if (killed) process.kill(pid, 'SIGKILL');
  for (let waited = 0; waited < 2_000 && isLabProcess(pid, marker); waited += 50) await sleep(50);
  return { killed };
}
