import { InfrastructureError } from '../core/errors.ts';
import { loadMatrix } from '../core/matrix/index.ts';
import { planMatrix } from '../core/plan/plan.ts';
import { planFileOf, planFileSchema, type RunPlan, runPlanOf } from '../core/plan/plan-file.ts';
import type { RunConfig } from '../core/run-config.ts';
import { readJsonFileIfExists, writeJsonFile } from '../infra/files/json-file.ts';
import { runFile } from './run-config.ts';

/**
 * Plans the run once: the matrix, its region override and `--grep` (filtering before planning also drops
 * the instance groups no selected cell needs), written to `--out/plan.json` for every later process.
 */
export async function writeRunPlan(config: RunConfig): Promise<RunPlan> {
  const matrix = await loadMatrix(config.matrixFile);
  const grep = config.grep ? new RegExp(config.grep) : undefined;
  const plan = planMatrix({
    ...matrix,
    cells: grep ? matrix.cells.filter((cell) => grep.test(cell.id)) : matrix.cells,
  });
  const file = planFileOf(plan, config.region);
  writeJsonFile(runFile(config, 'plan'), file);
  return runPlanOf(file);
}

export function readRunPlan(config: RunConfig): RunPlan {
  const file = readJsonFileIfExists(runFile(config, 'plan'), planFileSchema);
  if (!file)
    throw new InfrastructureError(`no plan at ${runFile(config, 'plan')}: start the run with ecs-taskrole run`);
  return runPlanOf(file);
}
