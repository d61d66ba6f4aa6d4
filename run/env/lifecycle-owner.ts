/**
 * `ECS_TASKROLE_LIFECYCLE=cli`: set by `ecs-taskrole run` for its Playwright processes. The run command owns
 * the lifecycle (backend, provisioning, teardown), so the setup and teardown projects stay out of it.
 */
export const LIFECYCLE_ENV = 'ECS_TASKROLE_LIFECYCLE';
export const LIFECYCLE_OWNED_BY_CLI = 'cli';

export function lifecycleOwnedByCli(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[LIFECYCLE_ENV] === LIFECYCLE_OWNED_BY_CLI;
}
