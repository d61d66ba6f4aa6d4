/**
 * A run's lease on a lab, as a file: `<lab dir>.runs/lease-<pid>` holding the start ticks of the process
 * that holds the run (infra/system/process-alive.ts). The runs that share the lab (lab-leases.ts) and the
 * daemons' watchdogs (lab-holders.ts; moto's lab_watchdog.py reads the same format) count a lease only
 * while that very process runs: a recycled pid, or a lease without its start ticks, holds nothing.
 */
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileNoFollowSync } from '../../infra/system/no-follow.ts';
import { type ProcessIdentity, processStartTicks, sameProcessAlive } from '../../infra/system/process-alive.ts';

const PREFIX = 'lease-';

export function leaseFileName(pid: number): string {
  return `${PREFIX}${pid}`;
}

/**
 * Writes `pid`'s lease in `dir`, bound to its start; false when no process has that pid (nothing written).
 * Written aside and renamed into place: a reader never sees it empty, which would count it dead.
 */
export function writeLease(dir: string, pid: number): boolean {
  const startTicks = processStartTicks(pid);
  if (startTicks === undefined) return false;
  const aside = join(dir, `.${leaseFileName(pid)}.new`);
  writeFileNoFollowSync(aside, `${startTicks}\n`);
  renameSync(aside, join(dir, leaseFileName(pid)));
  return true;
}

/** The process a lease file names, or undefined when its name or content is not a lease's. */
export function leaseHolder(dir: string, name: string): ProcessIdentity | undefined {
  if (!name.startsWith(PREFIX)) return undefined;
  const pid = Number(name.slice(PREFIX.length));
  let text: string;
  try {
    text = readFileSync(join(dir, name), 'utf8').trim();
  } catch {
    return undefined;
  }
  const startTicks = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isInteger(pid) && pid > 0 && Number.isSafeInteger(startTicks) ? { pid, startTicks } : undefined;
}

/** Every lease file in `dir`, and whether the process it names still runs. */
export function leasesIn(dir: string): { name: string; live: boolean }[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {}
  return names
    .filter((name) => name.startsWith(PREFIX))
    .map((name) => {
      const holder = leaseHolder(dir, name);
      return { name, live: holder !== undefined && sameProcessAlive(holder) };
    });
}
