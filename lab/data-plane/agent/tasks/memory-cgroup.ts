/**
 * A container's hard memory limit (`memory` in its definition), enforced as Docker enforces `--memory`: the
 * container's processes in a memory cgroup of their own with that limit, so the kernel's OOM killer ends
 * the container where it would end on AWS (SIGKILL: exit 137), and Docker's `State.OOMKilled` is the
 * cgroup's oom_kill count. cgroup v1 (`memory.limit_in_bytes`, `memory.max_usage_in_bytes`,
 * `memory.oom_control`) and v2 (`memory.max`, `memory.peak`, `memory.events`).
 *
 * The agent runs under `ip netns exec`, which mounts a fresh /sys (the network namespace's) and with it hides
 * /sys/fs/cgroup: the hierarchy is mounted again at `mountDir`, in the agent's own mount namespace (never the
 * machine's), where the tasks' sandboxes, copies of that namespace, find it too.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/** The parent of every lab container's cgroup, inside the agent's own (v1) or at the hierarchy's root (v2). */
const LAB_CGROUP = 'ecs-taskrole-lab';

export interface ContainerMemory {
  /** The cgroup's `cgroup.procs`: the sandbox's first process writes itself ("0") there before the command. */
  procsFile: string;
  /** After the container exited: whether the OOM killer ended it, and its peak usage. */
  outcome(): Promise<MemoryOutcome>;
  /** Removes the cgroup (its processes are gone). */
  remove(): Promise<void>;
}

export interface MemoryOutcome {
  oomKilled: boolean;
  /** memory.max_usage_in_bytes (v1) or memory.peak (v2; absent before Linux 5.19). */
  peakBytes: number | undefined;
}

export class MemoryCgroupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryCgroupError';
  }
}

interface Hierarchy {
  version: 1 | 2;
  /** This process's cgroup in the hierarchy, from /proc/self/cgroup. */
  ownPath: string;
}

/** Which memory hierarchy this process is in: v1's `N:memory:/path`, else v2's `0::/path`. */
export function memoryHierarchyOf(procSelfCgroup: string): Hierarchy | undefined {
  const lines = procSelfCgroup.split('\n');
  for (const line of lines) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line.trim()) ?? [];
    if (controllers?.split(',').includes('memory') && path !== undefined) return { version: 1, ownPath: path };
  }
  const unified = lines.map((line) => /^0::(.*)$/.exec(line.trim())?.[1]).find((path) => path !== undefined);
  return unified === undefined ? undefined : { version: 2, ownPath: unified };
}

export class MemoryCgroups {
  readonly #version: 1 | 2;
  readonly #base: string;

  private constructor(version: 1 | 2, base: string) {
    this.#version = version;
    this.#base = base;
  }

  /** The memory hierarchy mounted (once) at `mountDir` and the lab's parent cgroup made. */
  static async open(mountDir: string): Promise<MemoryCgroups> {
    const hierarchy = memoryHierarchyOf(await readFile('/proc/self/cgroup', 'utf8'));
    if (!hierarchy) throw new MemoryCgroupError('this machine has no memory cgroup (neither v1 nor v2)');
    const root = await hierarchyRoot(hierarchy.version, mountDir);
    if (hierarchy.version === 1) {
      const base = join(root, hierarchy.ownPath, LAB_CGROUP);
      await mkdir(base, { recursive: true });
      return new MemoryCgroups(1, base);
    }
    // v2 lets no cgroup with processes (the agent's) delegate controllers: the lab's parent sits at the root.
    const base = join(root, LAB_CGROUP);
    await enableMemoryController(root);
    await mkdir(base, { recursive: true });
    await enableMemoryController(base);
    return new MemoryCgroups(2, base);
  }

  /** A cgroup limited to `limitMiB` for one container (`name` unique on the machine: task id + container). */
  async create(name: string, limitMiB: number): Promise<ContainerMemory> {
    const dir = join(this.#base, name);
    await mkdir(dir, { recursive: true });
    const bytes = String(limitMiB * 1024 * 1024);
    await writeFile(join(dir, this.#version === 1 ? 'memory.limit_in_bytes' : 'memory.max'), bytes);
    return {
      procsFile: join(dir, 'cgroup.procs'),
      outcome: () => this.#outcomeOf(dir),
      remove: () => removeCgroup(dir),
    };
  }

  async #outcomeOf(dir: string): Promise<MemoryOutcome> {
    const read = (file: string) => readFile(join(dir, file), 'utf8').catch(() => '');
    const [events, peak] =
      this.#version === 1
        ? await Promise.all([read('memory.oom_control'), read('memory.max_usage_in_bytes')])
        : await Promise.all([read('memory.events'), read('memory.peak')]);
    const kills = Number(/^oom_kill (\d+)$/m.exec(events)?.[1] ?? 0);
    const peakBytes = /^\d+$/.test(peak.trim()) ? Number(peak.trim()) : undefined;
    return { oomKilled: kills > 0, peakBytes };
  }
}

/** Where the hierarchy is seen: the machine's usual mount when this mount namespace shows it, else `mountDir`. */
async function hierarchyRoot(version: 1 | 2, mountDir: string): Promise<string> {
  const usual = version === 1 ? '/sys/fs/cgroup/memory' : '/sys/fs/cgroup';
  for (const dir of [usual, mountDir]) if (existsSync(join(dir, 'cgroup.procs'))) return dir;
  await mkdir(mountDir, { recursive: true });
  const args =
    version === 1 ? ['-t', 'cgroup', '-o', 'memory', 'cgroup', mountDir] : ['-t', 'cgroup2', 'cgroup2', mountDir];
  const mounted = await execa('mount', args, { reject: false });
  if (mounted.exitCode !== 0) {
    throw new MemoryCgroupError(`cannot mount the memory cgroup (v${version}) at ${mountDir}: ${mounted.stderr}`);
  }
  return mountDir;
}

async function enableMemoryController(dir: string): Promise<void> {
  const enabled = await readFile(join(dir, 'cgroup.subtree_control'), 'utf8');
  if (enabled.split(/\s+/).includes('memory')) return;
  await writeFile(join(dir, 'cgroup.subtree_control'), '+memory');
}

/** rmdir of a cgroup whose last process may still be exiting: a few tries. */
async function removeCgroup(dir: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** The agent's memory cgroups, opened at its first limited container (a failure is tried again next time). */
export function memoryCgroupsAt(mountDir: string): () => Promise<MemoryCgroups> {
  let opened: Promise<MemoryCgroups> | undefined;
  return () => {
    opened ??= MemoryCgroups.open(mountDir).catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };
}
