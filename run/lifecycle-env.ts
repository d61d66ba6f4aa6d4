/**
 * Set by `ecs-taskrole run` for its Playwright processes: the run command owns the lifecycle (backend,
 * provisioning, teardown), so the setup and teardown projects only hand its records to the cells.
 */
export const LIFECYCLE_ENV = 'ECS_TASKROLE_LIFECYCLE';

export function lifecycleOwnedByCli(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[LIFECYCLE_ENV] === 'cli';
}
