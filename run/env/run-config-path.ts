/**
 * `ECS_TASKROLE_RUN_CONFIG`: the run's `run-config.json`. `ecs-taskrole run` sets it for its Playwright
 * runner (and so for the workers); a direct `npx playwright test` may set it to run another matrix or backend.
 * Either way it makes the Playwright process a conformance run.
 */
export const RUN_CONFIG_ENV = 'ECS_TASKROLE_RUN_CONFIG';

export function runConfigPathOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[RUN_CONFIG_ENV] || undefined;
}
