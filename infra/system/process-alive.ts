import { readFileSync } from 'node:fs';

/** True while a process with this pid exists; EPERM means it does, owned by another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process, not just its pid: pids are recycled, and a holder record that named only the pid would take
 * whichever process got it next for the one it meant. The start time (clock ticks after boot, field 22 of
 * /proc/<pid>/stat) tells them apart: two processes with one pid never start in the same tick.
 */
export interface ProcessIdentity {
  pid: number;
  startTicks: number;
}

/** The start time of a running process (clock ticks after boot), or undefined when there is none. */
export function processStartTicks(pid: number): number | undefined {
  if (!Number.isInteger(pid) || pid < 1) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 22 (starttime), counted after the ")" that closes the command name (which may hold spaces and ")").
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}

/** The identity of a running process, or undefined when no process has this pid. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  const startTicks = processStartTicks(pid);
  return startTicks === undefined ? undefined : { pid, startTicks };
}

/** True while the very process `identity` names runs: its pid exists and started when it did. */
export function sameProcessAlive(identity: ProcessIdentity): boolean {
  return processStartTicks(identity.pid) === identity.startTicks;
}
