/**
 * `--out/plan.json`: the run's cells, instance groups, run order and region, planned once (run/plan-run.ts)
 * so that every process of the run — the runner listing the tests, each worker, the reporter — sees the same
 * cells. Its schema is the plan's own (core/plan/plan-file.ts).
 */
import { InfrastructureError } from '../../core/errors.ts';
import { type PlanFile, planFileSchema, type RunPlan, runPlanOf } from '../../core/plan/plan-file.ts';
import { readJsonFileIfExists, writeJsonFile } from '../../infra/files/json-file.ts';
import { inOutDir, type OutDir } from './out-dir.ts';

export const PLAN_FILE = 'plan.json';

export function planFile(config: OutDir): string {
  return inOutDir(config, PLAN_FILE);
}

export function writePlanFile(config: OutDir, plan: PlanFile): void {
  writeJsonFile(planFile(config), plan);
}

export function readRunPlan(config: OutDir): RunPlan {
  const file = readJsonFileIfExists(planFile(config), planFileSchema);
  if (!file) {
    throw new InfrastructureError(
      `no plan at ${planFile(config)}: start the run with ecs-taskrole run (or ECS_TASKROLE_CONFORMANCE=1 npx playwright test --project=cells)`,
    );
  }
  return runPlanOf(file);
}
