/**
 * The lab's daemons end themselves once nothing holds them (lab-holders.ts, moto-lab/lab_watchdog.py): a
 * killed run or spec leaves no moto, data plane or lab network behind.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { type ProcessIdentity, processIdentity } from '../../infra/system/process-alive.ts';
import { isMotoProcess } from '../control-plane/moto-process.ts';
import { isDataPlaneRunning } from '../data-plane/daemon-process.ts';
import { listNetns } from '../data-plane/network/netns.ts';
import { labSkipReason } from '../data-plane/network/preflight.ts';
import { labDown } from '../lab-lifecycle.ts';
import { KEPT_FILE, type LabHolders, orphanedReason } from './lab-holders.ts';
import { leaseFileName, writeLease } from './lease-files.ts';

const OPENER = fileURLToPath(new URL('./testing/open-lab-and-wait.ts', import.meta.url));
/** moto's side of the rule (lab_watchdog.py): the same holders, judged in Python. */
const MOTO_LAB = fileURLToPath(new URL('../control-plane/moto-lab/', import.meta.url));

/** This spec's parent (the Playwright runner), as it runs now: a holder that outlives every test here. */
function liveHolder(): ProcessIdentity {
  const holder = processIdentity(process.ppid);
  if (!holder) throw new Error('the runner has no /proc entry');
  return holder;
}

/** lab_watchdog.orphaned_reason for `holders`, in a Python whose pid the holders' pid file names. */
async function motoOrphanedReason(holders: LabHolders): Promise<string | undefined> {
  const script =
    'import json, os, sys, lab_watchdog\n' +
    'holders = json.loads(sys.argv[1])\n' +
    'open(holders["pidFile"], "w").write(str(os.getpid()))\n' +
    'print(json.dumps(lab_watchdog.orphaned_reason(holders)))\n';
  const { stdout } = await execa('python3', ['-c', script, JSON.stringify(holders)], {
    env: { PYTHONPATH: MOTO_LAB },
    extendEnv: true,
  });
  return (JSON.parse(stdout) as string | null) ?? undefined;
}

/** The id of a process that has exited. */
function deadPid(): Promise<number> {
  const child = spawn('true');
  return new Promise((resolve) => child.once('exit', () => resolve(child.pid ?? -1)));
}

test.describe('what holds a daemon', () => {
  let dir: string;
  let holders: LabHolders;
  test.beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'etr-holders-'));
    const labDir = join(dir, 'lab');
    mkdirSync(labDir);
    mkdirSync(`${labDir}.runs`);
    holders = {
      labDir,
      leasesDir: `${labDir}.runs`,
      processes: [{ pid: await deadPid(), startTicks: 1 }],
      pidFile: join(labDir, 'moto.pid'),
    };
    writeFileSync(holders.pidFile, String(process.pid));
  });
  test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a dead holder and no lease: orphaned; a live holder, a live lease or the kept mark: held', async () => {
    expect(orphanedReason(holders)).toContain('holders');
    expect(orphanedReason({ ...holders, processes: [liveHolder()] })).toBeUndefined();
    writeFileSync(join(holders.leasesDir, leaseFileName(await deadPid())), '1\n');
    expect(orphanedReason(holders)).toContain('holders');
    expect(writeLease(holders.leasesDir, process.ppid)).toBe(true);
    expect(orphanedReason(holders)).toBeUndefined();
    rmSync(join(holders.leasesDir, leaseFileName(process.ppid)));
    writeFileSync(join(holders.labDir, KEPT_FILE), '');
    expect(orphanedReason(holders)).toBeUndefined();
  });

  test('a daemon its pid file no longer names is nobody’s, even when kept (lab down, a removed lab folder)', () => {
    writeFileSync(join(holders.labDir, KEPT_FILE), '');
    writeFileSync(holders.pidFile, String(process.ppid));
    expect(orphanedReason({ ...holders, processes: [liveHolder()] })).toContain('no longer names it');
    rmSync(holders.labDir, { recursive: true });
    expect(orphanedReason({ ...holders, processes: [liveHolder()] })).toContain('no longer names it');
  });

  test('a recycled pid holds nothing: a holder or a lease whose pid runs but started at another tick (moto too)', async () => {
    const live = liveHolder();
    const recycled = { ...live, startTicks: live.startTicks + 1 };
    const lease = join(holders.leasesDir, leaseFileName(live.pid));
    // Each side in turn names itself in the pid file (the Python writes its own pid there).
    const judged = async (of: LabHolders) => {
      writeFileSync(of.pidFile, String(process.pid));
      return { node: orphanedReason(of), moto: await motoOrphanedReason(of) };
    };

    expect(await judged({ ...holders, processes: [live] })).toEqual({ node: undefined, moto: undefined });
    const orphaned = await judged({ ...holders, processes: [recycled] });
    expect(orphaned.node).toContain('holders');
    expect(orphaned.moto).toContain('holders');

    writeLease(holders.leasesDir, live.pid);
    expect(await judged(holders)).toEqual({ node: undefined, moto: undefined });
    writeFileSync(lease, `${recycled.startTicks}\n`);
    const staleLease = await judged(holders);
    expect(staleLease.node).toContain('no run holds a lease');
    expect(staleLease.moto).toContain('no run holds a lease');
    // A lease without its start (as older versions wrote them) names no process either.
    writeFileSync(lease, '');
    const bareLease = await judged(holders);
    expect(bareLease.node).toContain('no run holds a lease');
    expect(bareLease.moto).toContain('no run holds a lease');
  });
});

test.describe('a lab whose opener was killed', () => {
  test.skip(labSkipReason() !== undefined, labSkipReason());
  test.describe.configure({ timeout: 420_000 });

  test('moto and the data plane end themselves, and the lab network goes with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etr-holders-lab-'));
    const labDir = join(dir, 'lab');
    const opener = spawn(process.execPath, [OPENER, labDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let text = '';
        opener.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
        });
        opener.once('exit', (code) => reject(new Error(`the opener exited with ${code} before the lab was up`)));
      });
      const lab = JSON.parse(line) as { motoPid: number; dataPlane: { pid: number; prefix: string } };
      expect(isMotoProcess(lab.motoPid)).toBe(true);
      expect(isDataPlaneRunning(lab.dataPlane)).toBe(true);

      opener.kill('SIGKILL');
      // A generous bound, polled: the watchdogs look every 2 s; the data plane then shuts its hosts down.
      const gone = async () =>
        !isMotoProcess(lab.motoPid) &&
        !isDataPlaneRunning(lab.dataPlane) &&
        !(await listNetns()).some((name) => name.startsWith(lab.dataPlane.prefix));
      for (let waited = 0; waited < 180_000 && !(await gone()); waited += 1_000) await sleep(1_000);
      expect(isMotoProcess(lab.motoPid), 'moto ended').toBe(false);
      expect(isDataPlaneRunning(lab.dataPlane), 'the data plane ended').toBe(false);
      expect((await listNetns()).filter((name) => name.startsWith(lab.dataPlane.prefix))).toEqual([]);
    } finally {
      opener.kill('SIGKILL');
      await labDown(labDir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
