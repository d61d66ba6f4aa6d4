/**
 * A Playwright runner started by `ecs-taskrole run` whose run is gone (SIGKILL, a crash, an OOM kill) has
 * nobody to provision for it or tear down after it: its cells would wait out their whole run-state limit
 * (20 min on AWS each) against a backend that no longer exists. It stops itself instead, as if the run had
 * asked (SIGINT: the cells end, the reporter writes what it has).
 */
import { processAlive } from '../infra/system/process-alive.ts';

/** How often the runner looks for its run: a cheap syscall. */
const OWNER_POLL_MS = 1_000;

export interface OwnerWatchOptions {
  ownerPid: number;
  onGone: () => void;
  intervalMs?: number;
}

/** Calls `onGone` once the owner is gone; never keeps the process alive. Returns a stop function. */
export function watchOwner({ ownerPid, onGone, intervalMs = OWNER_POLL_MS }: OwnerWatchOptions): () => void {
  // Spawned by the owner: reparenting says it died, even while it is an unreaped zombie and a reused pid
  // cannot fool the check. Otherwise (a process further down) the pid's existence is all there is.
  const spawnedByOwner = process.ppid === ownerPid;
  const gone = () => (spawnedByOwner ? process.ppid !== ownerPid : !processAlive(ownerPid));
  const timer = setInterval(() => {
    if (!gone()) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
