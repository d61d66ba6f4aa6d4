import { lifecycleOwnedByCli } from './lifecycle-owner.ts';

/**
 * `ECS_TASKROLE_LIFECYCLE_PID`: the pid of the `ecs-taskrole run` that started this Playwright runner; the
 * runner stops when it is gone (run/runner/owner-watch.ts).
 */
export const LIFECYCLE_OWNER_PID_ENV = 'ECS_TASKROLE_LIFECYCLE_PID';

/** The owning run's pid, when `run` started this process's runner and said so. */
export function lifecycleOwnerPid(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const pid = Number(env[LIFECYCLE_OWNER_PID_ENV]);
  return lifecycleOwnedByCli(env) && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
