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
import { isMotoProcess } from '../control-plane/moto-process.ts';
import { isDataPlaneRunning } from '../data-plane/daemon-process.ts';
import { listNetns } from '../data-plane/network/netns.ts';
import { labSkipReason } from '../data-plane/network/preflight.ts';
import { labDown } from '../lab-lifecycle.ts';
import { KEPT_FILE, type LabHolders, orphanedReason } from './lab-holders.ts';

const OPENER = fileURLToPath(new URL('./testing/open-lab-and-wait.ts', import.meta.url));

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
    holders = { labDir, leasesDir: `${labDir}.runs`, pids: [await deadPid()], pidFile: join(labDir, 'moto.pid') };
    writeFileSync(holders.pidFile, String(process.pid));
  });
  test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a dead holder and no lease: orphaned; a live holder, a live lease or the kept mark: held', async () => {
    expect(orphanedReason(holders)).toContain('holders');
    expect(orphanedReason({ ...holders, pids: [process.ppid] })).toBeUndefined();
    writeFileSync(join(holders.leasesDir, `lease-${await deadPid()}`), '');
    expect(orphanedReason(holders)).toContain('holders');
    writeFileSync(join(holders.leasesDir, `lease-${process.ppid}`), '');
    expect(orphanedReason(holders)).toBeUndefined();
    rmSync(join(holders.leasesDir, `lease-${process.ppid}`));
    writeFileSync(join(holders.labDir, KEPT_FILE), '');
    expect(orphanedReason(holders)).toBeUndefined();
  });

  test('a daemon its pid file no longer names is nobody’s, even when kept (lab down, a removed lab folder)', () => {
    writeFileSync(join(holders.labDir, KEPT_FILE), '');
    writeFileSync(holders.pidFile, String(process.ppid));
    expect(orphanedReason({ ...holders, pids: [process.pid] })).toContain('no longer names it');
    rmSync(holders.labDir, { recursive: true });
    expect(orphanedReason({ ...holders, pids: [process.pid] })).toContain('no longer names it');
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
