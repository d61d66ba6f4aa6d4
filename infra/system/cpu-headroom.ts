/**
 * How much CPU this machine has free now, for parallelism that is bound by CPU (the lab's cells, its boots):
 * the cores times the share of CPU time that was idle over a short sample (`/proc/stat`, one second). A
 * sample sees the machine as it is now; the 1-minute load average lags a busy minute behind (measured: right
 * after a test suite it still read 0.51 on a quiet 2-core machine, which chose one worker where two met the
 * targets), so it is only the fallback where `/proc/stat` cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Headroom {
  cores: number;
  /** Cores busy with other work over the sample (or the 1-minute load average, where no sample). */
  busyCores: number;
  /** Cores free of other work: cores − busy, at least 0. */
  idleCores: number;
  /** What `busyCores` came from. */
  source: 'cpu sample' | 'load average';
}

/** The default sample: long enough to average a scheduler's bursts, short enough for a command's start. */
export const HEADROOM_SAMPLE_MS = 1000;

interface CpuTimes {
  idle: number;
  total: number;
}

/** The aggregate `cpu` line of /proc/stat: idle (idle + iowait) and total jiffies since boot. */
export function cpuTimesOf(procStat: string): CpuTimes | undefined {
  const line = procStat.split('\n').find((text) => text.startsWith('cpu '));
  const fields = line?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 5 || fields.some((value) => !Number.isFinite(value))) return undefined;
  // user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user and nice]
  const counted = fields.slice(0, 8);
  return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total: counted.reduce((sum, value) => sum + value, 0) };
}

async function readCpuTimes(): Promise<CpuTimes | undefined> {
  try {
    return cpuTimesOf(await readFile('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** The busy share between two readings, or undefined where no time passed (a clock that did not tick). */
export function busyShare(before: CpuTimes, after: CpuTimes): number | undefined {
  const total = after.total - before.total;
  if (total <= 0) return undefined;
  return Math.min(1, Math.max(0, 1 - (after.idle - before.idle) / total));
}

function headroomOf(cores: number, busyCores: number, source: Headroom['source']): Headroom {
  return { cores, busyCores, idleCores: Math.max(0, cores - busyCores), source };
}

/** The headroom over a sample of `windowMs` (read-only; the caller waits that long). */
export async function sampleCpuHeadroom(windowMs = HEADROOM_SAMPLE_MS): Promise<Headroom> {
  const cores = availableParallelism();
  const before = await readCpuTimes();
  if (before) {
    await sleep(windowMs);
    const after = await readCpuTimes();
    const share = after && busyShare(before, after);
    if (share !== undefined) return headroomOf(cores, share * cores, 'cpu sample');
  }
  return headroomOf(cores, loadavg()[0] ?? 0, 'load average');
}

/**
 * What many CPU-bound things at once the headroom holds: `perIdleCore` for each idle core (rounded: a core
 * mostly free counts), at least 1, at most `most`.
 */
export function parallelismForHeadroom(idleCores: number, perIdleCore: number, most: number): number {
  return Math.max(1, Math.min(most, Math.round(idleCores * perIdleCore)));
}
