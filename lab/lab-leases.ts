/**
 * Runs on one machine share the lab safely. Each run holding the lab has a lease (a file named after the
 * process that holds the run, bound to its start: system/lease-files.ts); `lab up` and the decision to stop
 * happen under one lock, so two runs never race in `lab up`. A lab a run started (marked in the lab's own
 * folder, so the mark dies with the lab) is stopped by whichever run lets go of it last; a lab someone
 * started with `lab up` is never stopped by a run.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { InfrastructureError } from '../core/errors.ts';
import { writeFileNoFollowSync } from '../infra/system/no-follow.ts';
import { leaseFileName, leasesIn, writeLease } from './system/lease-files.ts';

const LOCK_TIMEOUT_MS = 120_000;
/** Refreshed every half of it while held: only a dead holder's lock gets this old. */
const LOCK_STALE_MS = 15_000;
export const STARTED_BY_RUN = 'started-by-run';

/** The leases and the lock of a lab (its daemons' watchdog reads the leases: system/lab-holders.ts). */
export const runsDir = (labDir: string) => `${labDir}.runs`;

/**
 * Runs `action` holding the machine-wide lock of this lab (proper-lockfile: a directory kept fresh while
 * held); a lock whose holder died is taken over once it is LOCK_STALE_MS old.
 */
export async function withLabLock<T>(labDir: string, action: () => Promise<T>): Promise<T> {
  const dir = runsDir(labDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = await lockfile
    .lock(dir, {
      lockfilePath: join(dir, 'lock'),
      stale: LOCK_STALE_MS,
      retries: { retries: Math.ceil(LOCK_TIMEOUT_MS / 500), minTimeout: 100, maxTimeout: 500, factor: 1.5 },
      // A loaded machine can starve the refresh; the holder keeps going (the action is idempotent under
      // the leases), where the default would throw from a timer.
      onCompromised: () => undefined,
    })
    .catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'ELOCKED') throw error;
      throw new InfrastructureError(`the lab at ${labDir} stayed locked by another run; is it stuck?`);
    });
  try {
    return await action();
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * The lease of the process that holds a run, bound to its start (system/lease-files.ts). A holder already
 * gone gets none: it could hold nothing.
 */
export function takeLease(labDir: string, holderPid: number, startedLab: boolean): void {
  if (startedLab) writeFileSync(join(labDir, STARTED_BY_RUN), '', { mode: 0o600 });
  writeLease(runsDir(labDir), holderPid);
}

/**
 * The lab stays until `lab down`, whoever holds it (`run --keep`: its resources live only in this lab's
 * memory): no run stops it any more, and its daemons are held by the kept mark, not by this run.
 */
export function keepUntilLabDown(labDir: string, holderPid: number, keptFile: string): void {
  writeFileNoFollowSync(join(labDir, keptFile), '');
  rmSync(join(labDir, STARTED_BY_RUN), { force: true });
  rmSync(join(runsDir(labDir), leaseFileName(holderPid)), { force: true });
}

/** Gives the lease back; true when the lab was started by a run and no live run holds it any more. */
export function releaseLease(labDir: string, holderPid: number): boolean {
  const dir = runsDir(labDir);
  rmSync(join(dir, leaseFileName(holderPid)), { force: true });
  // A lease whose process is gone (or whose pid another process got since) holds nothing: dropped now.
  const live = leasesIn(dir).filter((lease) => {
    if (!lease.live) rmSync(join(dir, lease.name), { force: true });
    return lease.live;
  });
  return live.length === 0 && existsSync(join(labDir, STARTED_BY_RUN));
}
