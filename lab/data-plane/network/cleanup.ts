import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { removeCgroupTree } from './cgroup-tree.ts';
import { run } from './commands.ts';
import { labBaseDir, labDir, listLabDirs, ownerAlive, readLabRecord, releaseSubnets } from './lab-record.ts';
import { assertLabPrefix, LAB_PREFIX_PATTERN } from './naming.ts';
import { deleteNetns, listNetns, listRootLinks, netnsPids } from './netns.ts';

/**
 * A lab network without a record (its folder removed by hand, or made by an older version that kept
 * records elsewhere) is removed only once no process is left in its namespaces and its newest namespace
 * is at least this old: a record is written before anything is created, so an unrecorded network is
 * never one being made, but nothing unrecorded is taken for dead on a single look.
 */
export const UNRECORDED_GRACE_MS = 10 * 60_000;

export interface CleanupReport {
  /** Labs removed (in a dry run: that would be). */
  prefixes: string[];
  /** Labs left alone because the process that owns them is still running. */
  skippedLive: string[];
  /** Unrecorded lab networks left alone: a process still in one of their namespaces, or too new. */
  skippedUnrecorded: { prefix: string; reason: string }[];
  namespaces: string[];
  links: string[];
  dirs: string[];
}

export interface CleanupOptions {
  /** Without a prefix, also remove labs whose owner process is still running (`lab down --all`). */
  includeLive?: boolean;
  /** Decide and report, remove nothing (`sweep --dry-run`). */
  dryRun?: boolean;
  /** Without a prefix, look only at these labs (a spec cleans up only what it made). */
  among?: readonly string[];
  /** How old an unrecorded lab network must be before it is removed (UNRECORDED_GRACE_MS). */
  unrecordedGraceMs?: number;
}

/**
 * Removes everything a lab made: processes in its namespaces (instances, user data leftovers, the proxy,
 * any namespace named with the prefix), the namespaces with their iptables rules and mounts, its links and
 * bridge in the root namespace, its folder and subnet claim. Finds them by name prefix and by the lab
 * record on disk, so it works after a crash. Idempotent.
 *
 * With a prefix, removes that lab. Without one, removes every lab whose owner process is gone (or all of
 * them with `includeLive`), so concurrent labs of running processes are safe; an unrecorded one only as
 * UNRECORDED_GRACE_MS says.
 */
export async function cleanupLab(prefix?: string, options: CleanupOptions = {}): Promise<CleanupReport> {
  const report: CleanupReport = {
    prefixes: [],
    skippedLive: [],
    skippedUnrecorded: [],
    namespaces: [],
    links: [],
    dirs: [],
  };
  const [namespaces, links] = await Promise.all([listNetns(), listRootLinks()]);
  if (prefix !== undefined) assertLabPrefix(prefix);
  const candidates = prefix !== undefined ? [prefix] : await labsOnMachine(namespaces, links, options.among);

  for (const candidate of candidates) {
    if (prefix === undefined && !options.includeLive) {
      const keep = await whyKeep(candidate, namespaces, options.unrecordedGraceMs ?? UNRECORDED_GRACE_MS);
      if (keep === 'live') report.skippedLive.push(candidate);
      else if (keep !== undefined) report.skippedUnrecorded.push({ prefix: candidate, reason: keep });
      if (keep !== undefined) continue;
    }
    if (!options.dryRun) await removeLab(candidate, namespaces, links, report);
    report.prefixes.push(candidate);
  }
  if (prefix === undefined && options.among === undefined && !options.dryRun) await removeOrphanSubnetClaims();
  return report;
}

/** Every lab prefix with a folder, a namespace or a root link on this machine (or among `among`). */
async function labsOnMachine(
  namespaces: readonly string[],
  links: readonly string[],
  among: readonly string[] | undefined,
): Promise<string[]> {
  const seen = new Set<string>((await listLabDirs()).filter((name) => LAB_PREFIX_PATTERN.test(name)));
  for (const name of [...namespaces, ...links]) {
    const candidate = name.slice(0, 7);
    if (LAB_PREFIX_PATTERN.test(candidate) && name.charAt(7) === '-') seen.add(candidate);
  }
  return [...seen].filter((candidate) => among === undefined || among.includes(candidate)).sort();
}

/**
 * Why a lab must stay: 'live' (its recorded owner runs), or why an unrecorded one is not yet taken for
 * dead; undefined when it may go.
 */
async function whyKeep(prefix: string, namespaces: readonly string[], graceMs: number): Promise<string | undefined> {
  const record = await readLabRecord(prefix);
  if (record) return (await ownerAlive(record)) ? 'live' : undefined;
  const own = namespaces.filter((name) => name.startsWith(`${prefix}-`));
  for (const netns of own) {
    const pids = await netnsPids(netns);
    if (pids.length > 0) return `no record, and ${pids.length} process(es) still in ${netns}`;
  }
  const created = await Promise.all(
    own.map((netns) =>
      stat(join(NETNS_DIR, netns)).then(
        (info) => info.ctimeMs,
        () => 0,
      ),
    ),
  );
  const folder = await stat(labDir(prefix)).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  const age = Date.now() - Math.max(0, folder, ...created);
  if (age < graceMs)
    return `no record, and made ${Math.round(age / 1000)} s ago (grace ${Math.round(graceMs / 1000)} s)`;
  return undefined;
}

/** Where `ip netns add` mounts each namespace: the file's times are the namespace's creation. */
const NETNS_DIR = '/run/netns';

async function removeLab(
  prefix: string,
  namespaces: readonly string[],
  links: readonly string[],
  report: CleanupReport,
): Promise<void> {
  const own = (name: string) => name.startsWith(`${prefix}-`);
  // Instances first (their processes may talk to the VPC or proxy), then everything else of the lab.
  const ours = namespaces.filter(own).sort((a, b) => rank(a, prefix) - rank(b, prefix));
  for (const netns of ours) {
    await deleteNetns(netns);
    // A real Docker engine's containers sit in the cgroup named after their instance's namespace (the
    // seed engine's after the VPC's): what a killed data plane's engines left is ended and removed here.
    await removeCgroupTree(`/${netns}`);
    await removeCgroupTree(`/${netns}-seed`);
    report.namespaces.push(netns);
  }
  for (const link of links.filter(own)) {
    await run('ip', ['link', 'delete', link], { allowFailure: true });
    report.links.push(link);
  }
  await waitUntilLinksGone(prefix);
  const dir = labDir(prefix);
  const existed = await readdir(dir).then(
    () => true,
    () => false,
  );
  await rm(dir, { recursive: true, force: true });
  if (existed) report.dirs.push(dir);
  await releaseSubnets(prefix);
}

/** Instance namespaces before the proxy and VPC, so nothing is left talking to a removed service. */
function rank(netns: string, prefix: string): number {
  if (netns === `${prefix}-vpc`) return 2;
  if (netns === `${prefix}-proxy`) return 1;
  return 0;
}

/** A veth disappears with its namespace only once the last reference is gone; wait for it. */
async function waitUntilLinksGone(prefix: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const left = (await listRootLinks()).filter((name) => name.startsWith(`${prefix}-`));
    if (left.length === 0) return;
    for (const link of left) await run('ip', ['link', 'delete', link], { allowFailure: true });
    await sleep(20);
  }
}

async function removeOrphanSubnetClaims(): Promise<void> {
  const root = join(labBaseDir(), '.subnets');
  const entries = await readdir(root).catch(() => [] as string[]);
  const labs = new Set(await listLabDirs());
  for (const entry of entries) {
    const owner = await readFile(join(root, entry, 'owner'), 'utf8').catch(() => undefined);
    if (owner !== undefined && !labs.has(owner)) await rm(join(root, entry), { recursive: true, force: true });
  }
}
