/**
 * Memory and CPU per lab instance during a bench run, for either agent. An instance is its network
 * namespace (`<lab prefix>-i-…`): every process in it — the model's agent process, or the real agent's
 * Docker engine (dockerd, containerd, the shims) and agent container, and the lab's host services — and
 * every descendant of one (the tasks: the model's sandboxes under its agent, the real engine's containers
 * under their shims, which containerd started in the instance's namespace; a task's own network namespace
 * does not take it out of its instance). Sampled from /proc every second: each instance's summed resident
 * memory (VmRSS, so pages two processes share count twice) and its peak, split by part at that peak; CPU is
 * the most each process was seen to have used, summed per instance (a process that lived between two
 * samples is missed). The CPU sampler (cpu-sample.ts) follows the run's process tree, which the real
 * engine's shims leave: this one finds them by namespace.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readLabState } from '../lab/index.ts';
import { commandLine, readStat, TICK_MS } from './cpu-sample.ts';
import { median } from './record.ts';

export type InstancePart = 'agent' | 'engine' | 'tasks' | 'host';
export const INSTANCE_PARTS: readonly InstancePart[] = ['agent', 'engine', 'tasks', 'host'];

/** One process as one sample saw it. */
export interface ProcessSample {
  pid: number;
  ppid: number;
  /** Its network namespace's inode (`/proc/PID/ns/net`). */
  netns: number | undefined;
  /** argv, NUL-separated parts joined by spaces. */
  command: string;
  rssBytes: number;
  cpuTicks: number;
}

export interface InstanceFigures {
  /** The instance's namespace name. */
  name: string;
  peakBytes: number;
  /** Each part's memory in the sample of the peak. */
  partsAtPeak: Record<InstancePart, number>;
  cpuMs: number;
}

/** The Docker engine's own processes (kernel comm names are cut at 15 characters: match argv[0]'s base). */
const ENGINE_BINARIES = new Set([
  'dockerd',
  'containerd',
  'containerd-shim-runc-v2',
  'containerd-shim',
  'docker-proxy',
]);

const programOf = (command: string) => {
  const program = command.split(' ')[0] ?? '';
  return { program, base: program.slice(program.lastIndexOf('/') + 1) };
};

/** Where a process's parent stands: its part and whether it is a containerd shim (whose children are containers). */
export interface ParentPlace {
  part: InstancePart;
  shim: boolean;
}

/** Which part of its instance a process is, from its command line and its parent's place. */
export function partOf(command: string, parent: ParentPlace | undefined): InstancePart {
  const { program, base } = programOf(command);
  // The model's agent is the bundled agent-main under node; the real one the agent image's /agent.
  if (command.includes('agent-main') || program === '/agent') return 'agent';
  if (ENGINE_BINARIES.has(base) || base === 'runc') return 'engine';
  // A container (a shim's child, but the agent's, matched above) or anything the model's agent started.
  if (parent?.shim || parent?.part === 'agent' || parent?.part === 'tasks') return 'tasks';
  // dockerd's own helpers (iptables…) are the engine's; the rest is the lab's host services.
  return parent?.part === 'engine' ? 'engine' : 'host';
}

/** A process's instance (its namespace's name) and its part there. */
export interface Place extends ParentPlace {
  instance: string;
}

/**
 * Per instance namespace (inode → name), the processes of one sample that belong to it and their parts:
 * a process in the namespace, or below one that is.
 */
export function assignInstances(
  processes: readonly ProcessSample[],
  instanceOf: ReadonlyMap<number, string>,
): Map<number, Place> {
  const byPid = new Map(processes.map((entry) => [entry.pid, entry]));
  const assigned = new Map<number, Place | null>();
  const assign = (pid: number, depth: number): Place | null => {
    const known = assigned.get(pid);
    if (known !== undefined) return known;
    const entry = byPid.get(pid);
    if (!entry || depth > 64) return null;
    const own = entry.netns === undefined ? undefined : instanceOf.get(entry.netns);
    // The parent decides the part even inside the namespace (a shim's child is a task).
    const parent = entry.ppid > 0 ? assign(entry.ppid, depth + 1) : null;
    const instance = own ?? parent?.instance;
    const shim = programOf(entry.command).base.startsWith('containerd-shim');
    const result = instance ? { instance, part: partOf(entry.command, parent ?? undefined), shim } : null;
    assigned.set(pid, result);
    return result;
  };
  const found = new Map<number, Place>();
  for (const entry of processes) {
    const result = assign(entry.pid, 0);
    if (result) found.set(entry.pid, result);
  }
  return found;
}

/** Each instance's parts' memory in one sample. */
export function sumByInstance(
  processes: readonly ProcessSample[],
  assigned: ReadonlyMap<number, Place>,
): Map<string, Record<InstancePart, number>> {
  const sums = new Map<string, Record<InstancePart, number>>();
  for (const entry of processes) {
    const place = assigned.get(entry.pid);
    if (!place) continue;
    const parts = sums.get(place.instance) ?? { agent: 0, engine: 0, tasks: 0, host: 0 };
    parts[place.part] += entry.rssBytes;
    sums.set(place.instance, parts);
  }
  return sums;
}

const PAGE_BYTES = 4096;
const SAMPLE_MS = 1000;

function readProcess(pid: number): ProcessSample | undefined {
  const stat = readStat(pid);
  if (!stat) return undefined;
  let netns: number | undefined;
  let rssBytes = 0;
  try {
    netns = Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))?.[1]);
    rssBytes = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
  } catch {
    // Gone between the reads, or a kernel thread: no namespace, no memory.
  }
  return { pid, ppid: stat.ppid, netns, command: commandLine(pid), rssBytes, cpuTicks: stat.ticks };
}

/** The namespaces of the lab's instances now: `/run/netns/<prefix>-i-…`, by inode. */
function instanceNamespaces(prefix: string): Map<number, string> {
  const namespaces = new Map<number, string>();
  let names: string[] = [];
  try {
    names = readdirSync('/run/netns');
  } catch {
    return namespaces;
  }
  for (const name of names.filter((candidate) => candidate.startsWith(`${prefix}-i-`))) {
    try {
      namespaces.set(statSync(join('/run/netns', name)).ino, name);
    } catch {}
  }
  return namespaces;
}

interface Tracked {
  peakBytes: number;
  partsAtPeak: Record<InstancePart, number>;
  /** The most CPU each of its processes was seen to have used, by pid. */
  cpuTicks: Map<number, number>;
}

/** Starts sampling the instances of the lab in `labDir` (its prefix read once the lab is up); `stop` returns their figures. */
export function sampleInstances(labDir: string): { stop(): InstanceFigures[] } {
  const tracked = new Map<string, Tracked>();
  let prefix: string | undefined;
  const sample = () => {
    prefix ??= labPrefix(labDir);
    if (!prefix) return;
    const namespaces = instanceNamespaces(prefix);
    if (namespaces.size === 0) return;
    const processes = readdirSync('/proc')
      .map(Number)
      .filter((pid) => Number.isInteger(pid))
      .map(readProcess)
      .filter((entry): entry is ProcessSample => entry !== undefined);
    const assigned = assignInstances(processes, namespaces);
    for (const [instance, parts] of sumByInstance(processes, assigned)) {
      const entry = tracked.get(instance) ?? { peakBytes: 0, partsAtPeak: parts, cpuTicks: new Map() };
      const total = INSTANCE_PARTS.reduce((sum, part) => sum + parts[part], 0);
      if (total > entry.peakBytes) Object.assign(entry, { peakBytes: total, partsAtPeak: parts });
      tracked.set(instance, entry);
    }
    for (const entry of processes) {
      const place = assigned.get(entry.pid);
      const cpu = place && tracked.get(place.instance)?.cpuTicks;
      if (cpu) cpu.set(entry.pid, Math.max(cpu.get(entry.pid) ?? 0, entry.cpuTicks));
    }
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return [...tracked].map(([name, entry]) => ({
        name,
        peakBytes: entry.peakBytes,
        partsAtPeak: entry.partsAtPeak,
        cpuMs: [...entry.cpuTicks.values()].reduce((sum, ticks) => sum + ticks, 0) * TICK_MS,
      }));
    },
  };
}

function labPrefix(labDir: string): string | undefined {
  try {
    return readLabState(labDir)?.dataPlane?.prefix;
  } catch {
    // Half-written or not yet there: the next sample reads it again.
    return undefined;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/** The instances' figures in one line: median and largest peak, the median instance's parts, their CPU. */
export function instancesLine(instances: readonly InstanceFigures[]): string {
  if (instances.length === 0) return 'per instance: no instance was seen';
  const byPeak = [...instances].sort((a, b) => a.peakBytes - b.peakBytes);
  const middle = byPeak[Math.ceil(byPeak.length / 2) - 1] ?? byPeak[0];
  const parts = INSTANCE_PARTS.map((part) => `${part} ${megabytes(middle?.partsAtPeak[part] ?? 0)}`).join(', ');
  const cpu = instances.map((instance) => instance.cpuMs);
  return (
    `per instance (${instances.length}; resident memory of its processes and tasks, peak of 1 s samples): ` +
    `median ${megabytes(middle?.peakBytes ?? 0)} (${parts}), max ${megabytes(byPeak.at(-1)?.peakBytes ?? 0)}, ` +
    `sum of the peaks ${megabytes(instances.reduce((sum, instance) => sum + instance.peakBytes, 0))}; ` +
    `CPU median ${seconds(median(cpu))}, total ${seconds(cpu.reduce((sum, ms) => sum + ms, 0))}`
  );
}
