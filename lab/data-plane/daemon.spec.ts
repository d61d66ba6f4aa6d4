/**
 * The data-plane daemon makes its network before its parent tells it the control plane (daemon.ts): a
 * parent that goes away first must not leave that network behind.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { moduleFile } from '../../infra/files/module-file.ts';
import { cleanupLab } from './network/cleanup.ts';
import { listLabDirs, readLabRecord } from './network/lab-record.ts';
import { labNames } from './network/naming.ts';
import { linkExists } from './network/netns.ts';

const DAEMON = moduleFile('./daemon.ts', import.meta.url);

/** The prefix of the lab network `pid` owns, once it has one. */
async function networkOf(pid: number): Promise<string | undefined> {
  for (const prefix of await listLabDirs()) if ((await readLabRecord(prefix))?.ownerPid === pid) return prefix;
  return undefined;
}

let daemon: ChildProcess | undefined;
let prefix: string | undefined;
let dir = '';

// Also after a timeout (the test body never finishes then): nothing of a failed run stays behind.
test.afterEach(async () => {
  if (daemon?.exitCode === null) {
    const exited = new Promise((resolve) => daemon?.once('exit', resolve));
    daemon.kill('SIGKILL');
    await exited;
  }
  if (prefix) await cleanupLab(prefix);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('lab up gone before its control plane: the daemon removes the network it made meanwhile and exits (needs root)', async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-daemon-'));
  const started = fork(DAEMON, [join(dir, 'consoles')], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  daemon = started;
  const exited = new Promise<number | null>((resolve) => started.once('exit', resolve));
  const pid = started.pid ?? 0;
  await expect.poll(async () => (prefix = await networkOf(pid)), { timeout: 180_000 }).toBeDefined();
  const bridge = labNames(prefix ?? '').bridge;
  await expect.poll(() => linkExists(bridge), { timeout: 180_000 }).toBe(true);

  started.disconnect();
  expect(await exited).toBe(1);
  expect(await linkExists(bridge)).toBe(false);
  expect(await networkOf(pid)).toBeUndefined();
});
