/**
 * What holds a lab's detached daemons (moto, the data plane) alive, so that they end themselves once nothing
 * does: a killed run, spec or `lab up` must not leave them running (and booting hosts) for ever.
 *
 * A daemon is held while any of these is true:
 *  - the lab is kept until `lab down` (`<lab dir>/KEPT_FILE`: `ecs-taskrole lab up` without a holder pid);
 *  - one of its holder processes runs: the process that started it, and the one named by
 *    ECS_TASKROLE_LAB_HOLDER_PID when it started (a CI job's shell, a spec's worker);
 *  - a run holds a lease on the lab (`<lab dir>.runs/lease-<pid>` of a running process: lease-files.ts).
 * A holder is its pid and its start (ProcessIdentity): a pid the kernel gave to another process since holds
 * nothing, or a lab would live as long as whatever got its holder's pid.
 * And never once its own pid file no longer names it: `lab down` or a new lab replaced it, or the lab's
 * folder was removed — nobody can reach it any more.
 *
 * The daemons get this as one JSON value in their environment (HOLDERS_ENV); moto's side of the same rule is
 * control-plane/moto-lab/lab_watchdog.py. Checked every WATCH_INTERVAL_MS: a readdir and a few /proc/<pid>/stat.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type ProcessIdentity, processIdentity, sameProcessAlive } from '../../infra/system/process-alive.ts';
import { leasesIn } from './lease-files.ts';

export const HOLDERS_ENV = 'ECS_TASKROLE_LAB_HOLDERS';
/** Set when the lab is started: ties it to that process (instead of until `lab down` for `lab up`). */
export const HOLDER_PID_ENV = 'ECS_TASKROLE_LAB_HOLDER_PID';
/** In the lab's folder: the lab stays until `lab down` (removed with the folder). */
export const KEPT_FILE = 'kept-until-lab-down';
export const WATCH_INTERVAL_MS = 2_000;

const labHoldersSchema = z.object({
  labDir: z.string(),
  /** Where runs' leases are (lab-leases.ts: `<lab dir>.runs`). */
  leasesDir: z.string(),
  /** The processes that hold it, each bound to its start. */
  processes: z.array(z.object({ pid: z.number().int().positive(), startTicks: z.number().int().nonnegative() })),
  /** The daemon's own pid file: a daemon it no longer names is nobody's. */
  pidFile: z.string(),
});

export type LabHolders = z.infer<typeof labHoldersSchema>;

/**
 * The holders a lab started now gets: this process and ECS_TASKROLE_LAB_HOLDER_PID's, as they run now (a
 * named pid no process has could hold nothing).
 */
export function holderProcesses(env: NodeJS.ProcessEnv = process.env): ProcessIdentity[] {
  const named = Number(env[HOLDER_PID_ENV]);
  const pids = new Set([process.pid, ...(Number.isInteger(named) && named > 1 ? [named] : [])]);
  return [...pids].flatMap((pid) => processIdentity(pid) ?? []);
}

/** The daemon's environment entry for its holders. */
export function holdersEnvironment(holders: LabHolders): Record<string, string> {
  return { [HOLDERS_ENV]: JSON.stringify(holders) };
}

export function readHolders(env: NodeJS.ProcessEnv = process.env): LabHolders | undefined {
  const text = env[HOLDERS_ENV];
  return text ? labHoldersSchema.parse(JSON.parse(text)) : undefined;
}

/** Why the daemon `ownPid` is held by nothing (it should end), or undefined while something holds it. */
export function orphanedReason(holders: LabHolders, ownPid: number = process.pid): string | undefined {
  let recorded: string | undefined;
  try {
    recorded = readFileSync(holders.pidFile, 'utf8').trim();
  } catch {}
  if (recorded !== String(ownPid)) return `its pid file ${holders.pidFile} no longer names it`;
  if (existsSync(join(holders.labDir, KEPT_FILE))) return undefined;
  if (holders.processes.some(sameProcessAlive)) return undefined;
  if (leasesIn(holders.leasesDir).some((lease) => lease.live)) return undefined;
  const pids = holders.processes.map((holder) => holder.pid).join(', ');
  return `its holders (pids ${pids}) are gone and no run holds a lease`;
}

/**
 * Calls `end(reason)` once the daemon is held by nothing (also once `alsoEndWhen` names a reason: the
 * data plane ends with its control plane). The timer does not keep the process alive.
 */
export function watchHolders(
  holders: LabHolders,
  end: (reason: string) => void,
  alsoEndWhen: () => string | undefined = () => undefined,
): () => void {
  const timer = setInterval(() => {
    const reason = orphanedReason(holders) ?? alsoEndWhen();
    if (reason === undefined) return;
    clearInterval(timer);
    end(reason);
  }, WATCH_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
