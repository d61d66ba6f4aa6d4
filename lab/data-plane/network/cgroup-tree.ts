import { existsSync } from 'node:fs';
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killProcesses } from './netns.ts';

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * Ends every process under `parent` in each cgroup hierarchy (v1 controllers and the v2 tree) and removes
 * its folders, deepest first: a container its engine could not stop must not outlive the lab instance.
 */
export async function removeCgroupTree(parent: string, root = CGROUP_ROOT): Promise<void> {
  const hierarchies = existsSync(root) ? await readdir(root) : [];
  const tops = hierarchies.map((name) => join(root, name, parent)).filter((dir) => existsSync(dir));
  for (const top of tops) {
    const dirs = await subtree(top);
    const pids = (await Promise.all(dirs.map(procs))).flat();
    if (pids.length > 0) await killProcesses([...new Set(pids)]);
    for (const dir of dirs.reverse()) await removeDir(dir);
  }
}

async function subtree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const children = await Promise.all(
    entries.filter((entry) => entry.isDirectory()).map((entry) => subtree(join(dir, entry.name))),
  );
  return [dir, ...children.flat()];
}

async function procs(dir: string): Promise<number[]> {
  const text = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** rmdir refuses while the kernel still accounts an exiting process: a few tries. */
async function removeDir(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await sleep(50);
    }
  }
}
