import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sameProcessAlive } from '../../../infra/system/process-alive.ts';
import { assertPrivateDir, readFileNoFollow, writeFileNoFollow } from './private-dir.ts';

/**
 * The on-disk record of a lab, written before anything is created, so `cleanupLab` can remove what a
 * crashed process left behind. Layout: `LAB_ROOT/<prefix>/lab.json` (+ instance folders),
 * `LAB_ROOT/.subnets/<index>` (claims of lab subnets; mkdir is atomic, so concurrent labs never share one).
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
 * Where every lab on this machine records itself and claims its subnet, and keeps its working files
 * (agent bundle, image roots, instance folders): one fixed place for the whole machine, so no lab can
 * take another for dead because it looked elsewhere. Root's own (0700, checked with lstat before every
 * use: private-dir.ts), outside /tmp, never deleted. /run: a tmpfs emptied at boot, as the namespaces
 * it records are; not one of the folders instances overlay (host/instance-files.ts), and short enough
 * for the instances' unix sockets. Not under ECS_TASKROLE_LAB_DIR, which is per environment and by
 * default under the home folder that instances overlay.
 */
export const LAB_ROOT = '/run/ecs-taskrole-lab';

export function labBaseDir(): string {
  return LAB_ROOT;
}

/** The root, checked (and created when `create`); false when it does not exist and was not created. */
export function checkedLabRoot(options: { create: boolean }): Promise<boolean> {
  return assertPrivateDir(LAB_ROOT, options);
}

export function labDir(prefix: string): string {
  return join(labBaseDir(), prefix);
}

/** Creates the lab's own folder (0700, not there before: a prefix is new) and its record in it. */
export async function writeLabRecord(record: LabRecord): Promise<void> {
  await checkedLabRoot({ create: true });
  await assertPrivateDir(record.dir, { create: true });
  await writeFileNoFollow(join(record.dir, 'lab.json'), `${JSON.stringify(record, null, 2)}\n`);
}

export async function readLabRecord(prefix: string): Promise<LabRecord | undefined> {
  if (!(await checkedLabRoot({ create: false }))) return undefined;
  try {
    return JSON.parse(await readFileNoFollow(join(labDir(prefix), 'lab.json'))) as LabRecord;
  } catch {
    return undefined;
  }
}

/** Prefixes of every lab folder on disk. */
export async function listLabDirs(): Promise<string[]> {
  if (!(await checkedLabRoot({ create: false }))) return [];
  try {
    return (await readdir(labBaseDir())).filter((name) => !name.startsWith('.'));
  } catch {
    return [];
  }
}

/** Claims a lab subnet index for a prefix; false when another lab holds it. */
export async function claimSubnet(index: number, prefix: string): Promise<boolean> {
  const dir = join(labBaseDir(), '.subnets', String(index));
  await checkedLabRoot({ create: true });
  try {
    await mkdir(join(labBaseDir(), '.subnets'), { recursive: true, mode: 0o700 });
    await mkdir(dir, { mode: 0o700 });
  } catch {
    return false;
  }
  await writeFileNoFollow(join(dir, 'owner'), prefix);
  return true;
}

/** Releases every subnet claim held by this prefix. */
export async function releaseSubnets(prefix: string): Promise<void> {
  if (!(await checkedLabRoot({ create: false }))) return;
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

/** True while the process that created the lab is still running (the same process, not its recycled pid). */
export async function ownerAlive(record: LabRecord): Promise<boolean> {
  return sameProcessAlive({ pid: record.ownerPid, startTicks: record.ownerStartTicks });
}
