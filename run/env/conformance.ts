import { runConfigPathOf } from './run-config-path.ts';

/**
 * `ECS_TASKROLE_CONFORMANCE=1`: a direct `npx playwright test --project=cells` is a conformance run (the
 * default matrix on the lab): its runner plans, reports cells and provisions through the setup project.
 * A run with a run config is one without it. Anything else is the project's own checks.
 */
export const CONFORMANCE_ENV = 'ECS_TASKROLE_CONFORMANCE';

export function isConformanceRun(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CONFORMANCE_ENV] === '1' || runConfigPathOf(env) !== undefined;
}
