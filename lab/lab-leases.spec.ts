import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { processStartTicks } from '../infra/system/process-alive.ts';
import { releaseLease, takeLease, withLabLock } from './lab-leases.ts';
import { leaseFileName } from './system/lease-files.ts';

let labDir: string;
test.beforeEach(() => {
  labDir = join(mkdtempSync(join(tmpdir(), 'lab-leases-')), 'lab');
  mkdirSync(labDir);
});
test.afterEach(() => rmSync(join(labDir, '..'), { recursive: true, force: true }));

/** The id of a process that has exited. */
function deadPid(): number {
  const { pid } = spawnSync('true');
  if (!(pid > 0)) throw new Error('no child pid');
  return pid;
}

test('a lab a run started stops when the last live run lets go; one started by lab up never does', async () => {
  await withLabLock(labDir, async () => takeLease(labDir, process.pid, true));
  await withLabLock(labDir, async () => takeLease(labDir, process.ppid, false));
  expect(releaseLease(labDir, process.pid)).toBe(false);
  expect(releaseLease(labDir, process.ppid)).toBe(true);

  rmSync(join(labDir, 'started-by-run'));
  await withLabLock(labDir, async () => takeLease(labDir, process.pid, false));
  expect(releaseLease(labDir, process.pid)).toBe(false);
});

test("a dead run's lease, or one whose pid another process got since, does not keep the lab up", async () => {
  const runs = `${labDir}.runs`;
  await withLabLock(labDir, async () => {
    takeLease(labDir, process.pid, true);
    writeFileSync(join(runs, leaseFileName(deadPid())), '1\n');
    // The runner's pid, with another start than its own: the run that held it ended and the pid was reused.
    writeFileSync(join(runs, leaseFileName(process.ppid)), `${(processStartTicks(process.ppid) ?? 0) + 1}\n`);
  });
  expect(releaseLease(labDir, process.pid)).toBe(true);
  expect(readdirSync(runs).filter((name) => name.startsWith('lease-'))).toEqual([]);
});

test('the lock lets one holder in at a time, and a dead holder’s lock is taken over', async () => {
  const order: string[] = [];
  const holder = (name: string) =>
    withLabLock(labDir, async () => {
      order.push(`${name} in`);
      await sleep(50);
      order.push(`${name} out`);
    });
  await Promise.all([holder('a'), holder('b')]);
  expect(order).toEqual(['a in', 'a out', 'b in', 'b out']);

  // A holder killed while holding it: its lock is no longer refreshed.
  const lock = join(`${labDir}.runs`, 'lock');
  mkdirSync(lock);
  const longAgo = new Date(Date.now() - 60_000);
  utimesSync(lock, longAgo, longAgo);
  expect(await withLabLock(labDir, async () => 'taken over')).toBe('taken over');
});
