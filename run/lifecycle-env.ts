/**
 * Set by `ecs-taskrole run` for its Playwright processes: the run command owns the lifecycle (backend,
 * provisioning, teardown), so the setup and teardown projects only hand its records to the cells.
 */
export const LIFECYCLE_ENV = 'ECS_TASKROLE_LIFECYCLE';
/** The pid of that `ecs-taskrole run`: its Playwright runner stops when it is gone (see owner-watch.ts). */
export const LIFECYCLE_OWNER_PID_ENV = 'ECS_TASKROLE_LIFECYCLE_PID';

export function lifecycleOwnedByCli(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[LIFECYCLE_ENV] === 'cli';
}

/** The owning run's pid, when `run` started this process's runner and said so. */
export function lifecycleOwnerPid(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const pid = Number(env[LIFECYCLE_OWNER_PID_ENV]);
  return lifecycleOwnedByCli(env) && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
