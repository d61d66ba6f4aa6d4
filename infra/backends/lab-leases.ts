/**
 * Runs on one machine share the lab safely. Each run holding the lab has a lease (a file named after the
 * process that holds the run); `lab up` and the decision to stop happen under one lock, so two runs never
 * race in `lab up`. A lab a run started (marked in the lab's own folder, so the mark dies with the lab) is
 * stopped by whichever run lets go of it last; a lab someone started with `lab up` is never stopped by a run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfrastructureError } from '../../core/errors.ts';
import { processAlive } from '../system/process-alive.ts';

const LOCK_TIMEOUT_MS = 120_000;
const STARTED_BY_RUN = 'started-by-run';

const runsDir = (labDir: string) => `${labDir}.runs`;

/** Runs `action` holding the machine-wide lock of this lab; a lock whose holder died is taken over. */
export async function withLabLock<T>(labDir: string, action: () => Promise<T>): Promise<T> {
  const dir = runsDir(labDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = join(dir, 'lock');
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      // Created and written in one call; a waiter that reads it still empty waits (holder 0), never takes it.
      writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8') || 0);
      if (holder > 0 && !processAlive(holder)) rmSync(lock, { force: true });
      else if (Date.now() > deadline) {
        throw new InfrastructureError(`the lab at ${labDir} stayed locked by process ${holder}; is another run stuck?`);
      } else await sleep(100);
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lock, { force: true });
  }
}

export function takeLease(labDir: string, holderPid: number, startedLab: boolean): void {
  if (startedLab) writeFileSync(join(labDir, STARTED_BY_RUN), '', { mode: 0o600 });
  writeFileSync(join(runsDir(labDir), `lease-${holderPid}`), '', { mode: 0o600 });
}

/** Gives the lease back; true when the lab was started by a run and no live run holds it any more. */
export function releaseLease(labDir: string, holderPid: number): boolean {
  const dir = runsDir(labDir);
  rmSync(join(dir, `lease-${holderPid}`), { force: true });
  const live = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.startsWith('lease-'))
        .filter((name) => {
          const pid = Number(name.slice('lease-'.length));
          if (processAlive(pid)) return true;
          rmSync(join(dir, name), { force: true });
          return false;
        })
    : [];
  return live.length === 0 && existsSync(join(labDir, STARTED_BY_RUN));
}
