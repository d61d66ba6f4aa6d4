import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The on-disk record of a lab, written before anything is created, so `cleanupLab` can remove what a
 * crashed process left behind. Layout: `<base>/<prefix>/lab.json` (+ instance folders),
 * `<base>/.subnets/<index>` (claims of lab subnets; mkdir is atomic, so concurrent labs never share one).
 */
export interface LabRecord {
  prefix: string;
  ownerPid: number;
  /** Start time of the owner (clock ticks since boot, /proc/<pid>/stat), to detect a reused pid. */
  ownerStartTicks: number;
  createdAt: string;
  subnetIndex: number;
  dir: string;
}

/**
 * `$ECS_TASKROLE_LAB_NET_DIR`, else `<tmpdir>/etr-lab`. Not under ECS_TASKROLE_LAB_DIR (a lab's state, removed
 * by `lab down`): every lab on this machine must see the same subnet claims, and instance sockets need a
 * short path.
 */
export function labBaseDir(): string {
  return process.env.ECS_TASKROLE_LAB_NET_DIR ?? join(tmpdir(), 'etr-lab');
}

export function labDir(prefix: string): string {
  return join(labBaseDir(), prefix);
}

export async function writeLabRecord(record: LabRecord): Promise<void> {
  await mkdir(record.dir, { recursive: true });
  await writeFile(join(record.dir, 'lab.json'), `${JSON.stringify(record, null, 2)}\n`);
}

export async function readLabRecord(prefix: string): Promise<LabRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(labDir(prefix), 'lab.json'), 'utf8')) as LabRecord;
  } catch {
    return undefined;
  }
}

/** Prefixes of every lab folder on disk. */
export async function listLabDirs(): Promise<string[]> {
  try {
    return (await readdir(labBaseDir())).filter((name) => !name.startsWith('.'));
  } catch {
    return [];
  }
}

/** Claims a lab subnet index for a prefix; false when another lab holds it. */
export async function claimSubnet(index: number, prefix: string): Promise<boolean> {
  const dir = join(labBaseDir(), '.subnets', String(index));
  try {
    await mkdir(join(labBaseDir(), '.subnets'), { recursive: true });
    await mkdir(dir);
  } catch {
    return false;
  }
  await writeFile(join(dir, 'owner'), prefix);
  return true;
}

/** Releases every subnet claim held by this prefix. */
export async function releaseSubnets(prefix: string): Promise<void> {
  const root = join(labBaseDir(), '.subnets');
  let entries: string[] = [];
  try {
    entries = await readdir(root);
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = await readFile(join(root, entry, 'owner'), 'utf8').catch(() => undefined);
    if (owner === prefix) await rm(join(root, entry), { recursive: true, force: true });
  }
}

export async function processStartTicks(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the ")" that closes the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** True while the process that created the lab is still running. */
export async function ownerAlive(record: LabRecord): Promise<boolean> {
  const ticks = await processStartTicks(record.ownerPid);
  return ticks !== undefined && ticks === record.ownerStartTicks;
}
