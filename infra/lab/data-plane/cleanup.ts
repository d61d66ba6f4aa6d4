import { readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './network/commands.ts';
import { labBaseDir, labDir, listLabDirs, ownerAlive, readLabRecord, releaseSubnets } from './network/lab-record.ts';
import { assertLabPrefix, LAB_PREFIX_PATTERN } from './network/naming.ts';
import { deleteNetns, listNetns, listRootLinks } from './network/netns.ts';

/** A lab folder without its record yet is being created by a running process, unless it is this old. */
const RECORDLESS_GRACE_MS = 60_000;

export interface CleanupReport {
  /** Labs removed. */
  prefixes: string[];
  /** Labs left alone because the process that owns them is still running. */
  skippedLive: string[];
  namespaces: string[];
  links: string[];
  dirs: string[];
}

export interface CleanupOptions {
  /** Without a prefix, also remove labs whose owner process is still running (`lab down --all`). */
  includeLive?: boolean;
}

/**
 * Removes everything a lab made: processes in its namespaces (instances, user data leftovers, the proxy,
 * any namespace named with the prefix), the namespaces with their iptables rules and mounts, its links and
 * bridge in the root namespace, its folder and subnet claim. Finds them by name prefix and by the lab
 * record on disk, so it works after a crash. Idempotent.
 *
 * With a prefix, removes that lab. Without one, removes every lab whose owner process is gone (or all of
 * them with `includeLive`), so concurrent labs of running processes are safe.
 */
export async function cleanupLab(prefix?: string, options: CleanupOptions = {}): Promise<CleanupReport> {
  const report: CleanupReport = { prefixes: [], skippedLive: [], namespaces: [], links: [], dirs: [] };
  const [namespaces, links] = await Promise.all([listNetns(), listRootLinks()]);
  let candidates: string[];
  if (prefix !== undefined) {
    assertLabPrefix(prefix);
    candidates = [prefix];
  } else {
    const seen = new Set<string>((await listLabDirs()).filter((name) => LAB_PREFIX_PATTERN.test(name)));
    for (const name of [...namespaces, ...links]) {
      const candidate = name.slice(0, 7);
      if (LAB_PREFIX_PATTERN.test(candidate) && name.charAt(7) === '-') seen.add(candidate);
    }
    candidates = [...seen].sort();
  }

  for (const candidate of candidates) {
    if (prefix === undefined && !options.includeLive && (await looksLive(candidate))) {
      report.skippedLive.push(candidate);
      continue;
    }
    await removeLab(candidate, namespaces, links, report);
    report.prefixes.push(candidate);
  }
  if (prefix === undefined) await removeOrphanSubnetClaims();
  await removeEmptyBaseDir();
  return report;
}

/** Owner still running, or a folder so new its record may not be written yet. */
async function looksLive(prefix: string): Promise<boolean> {
  const record = await readLabRecord(prefix);
  if (record) return ownerAlive(record);
  const info = await stat(labDir(prefix)).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs < RECORDLESS_GRACE_MS;
}

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

/** The shared base folder goes when no lab uses it (fails harmlessly while another lab has files there). */
async function removeEmptyBaseDir(): Promise<void> {
  await rmdir(join(labBaseDir(), '.subnets')).catch(() => undefined);
  await rmdir(labBaseDir()).catch(() => undefined);
}
