/**
 * CPU time of a run's process tree by part, so a bench figure means the same on every machine: the
 * harness (the run, Playwright and its workers), the lab (moto, the data plane, hosts, agents) and the
 * clients (each task's processes, under `unshare`). Sampled from /proc every 250 ms: a process that lived
 * between two samples, or its last quarter second, is missed — the total comes from the bench's reaped
 * children instead (`cutime + cstime`), and the difference is printed as unattributed.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type CpuPart = 'harness' | 'lab' | 'clients';
/** Within the lab: moto, the agents (one process per instance) and the rest of the data plane (its daemon, hosts). */
export type LabShare = 'moto' | 'agents' | 'dataPlane';
export type CpuBreakdown = Record<CpuPart | 'total' | 'unattributed', number> & {
  lab: number;
  labShares: Record<LabShare, number>;
};

/** Linux's USER_HZ: clock ticks in /proc are hundredths of a second on every kernel Node runs on. */
export const TICK_MS = 10;
const SAMPLE_MS = 250;

interface Seen {
  part: CpuPart;
  ticks: number;
  command: string;
}

function labShareOf(command: string): LabShare {
  if (command.includes('moto_lab.py')) return 'moto';
  if (command.includes('agent-main')) return 'agents';
  return 'dataPlane';
}

export interface Stat {
  ppid: number;
  ticks: number;
  childTicks: number;
}

/** `/proc/PID/stat` after the command name (which may hold spaces and parentheses). */
export function readStat(pid: number | 'self'): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (n: number) => Number(fields[n - 3]);
    return { ppid: field(4), ticks: field(14) + field(15), childTicks: field(16) + field(17) };
  } catch {
    return undefined;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** A process takes its parent's part unless it starts a new one: the lab's servers, a task's namespaces. */
function partOf(pid: number, parentPart: CpuPart): CpuPart {
  if (parentPart === 'clients') return 'clients';
  const command = commandLine(pid);
  if (command.includes('/usr/bin/unshare')) return 'clients';
  if (parentPart === 'lab' || /moto_lab\.py|data-plane\/daemon\.ts|daemon\.js/.test(command)) return 'lab';
  return 'harness';
}

/** Starts sampling the tree under `rootPid` (the bench's child); `stop` returns the breakdown in ms. */
export function sampleCpu(rootPid: number): { stop(): CpuBreakdown } {
  const seen = new Map<number, Seen>();
  const childTicksBefore = readStat('self')?.childTicks ?? 0;
  const sample = () => {
    const stats = new Map<number, Stat>();
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      const stat = Number.isInteger(pid) ? readStat(pid) : undefined;
      if (stat) stats.set(pid, stat);
    }
    const children = new Map<number, number[]>();
    for (const [pid, stat] of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
    const visit = (pid: number, parentPart: CpuPart) => {
      const stat = stats.get(pid);
      if (!stat) return;
      const known = seen.get(pid);
      const part = known?.part ?? (pid === rootPid ? 'harness' : partOf(pid, parentPart));
      const command = known?.command ?? commandLine(pid);
      seen.set(pid, { part, ticks: Math.max(known?.ticks ?? 0, stat.ticks), command });
      for (const child of children.get(pid) ?? []) visit(child, part);
    };
    visit(rootPid, 'harness');
  };
  const timer = setInterval(sample, SAMPLE_MS);
  sample();
  return {
    stop() {
      clearInterval(timer);
      const labShares: Record<LabShare, number> = { moto: 0, agents: 0, dataPlane: 0 };
      const breakdown: CpuBreakdown = { harness: 0, lab: 0, clients: 0, total: 0, unattributed: 0, labShares };
      for (const { part, ticks, command } of seen.values()) {
        breakdown[part] += ticks * TICK_MS;
        if (part === 'lab') labShares[labShareOf(command)] += ticks * TICK_MS;
      }
      breakdown.total = ((readStat('self')?.childTicks ?? 0) - childTicksBefore) * TICK_MS;
      breakdown.unattributed = Math.max(0, breakdown.total - breakdown.harness - breakdown.lab - breakdown.clients);
      return breakdown;
    },
  };
}
