import { existsSync } from 'node:fs';
import { checkRunCaps, DEFAULT_CAPS } from '../core/limits.ts';
import { DEFAULT_MATRIX_LIMITS, DEFAULT_MATRIX_PATH, loadMatrix } from '../core/matrix/index.ts';
import { planMatrix } from '../core/plan/plan.ts';
import { planFileOf, type RunPlan, runPlanOf } from '../core/plan/plan-file.ts';
import { refuseEmptySelection } from '../core/plan/selection.ts';
import { shardOf } from '../core/plan/shard.ts';
import type { RunConfig } from '../core/run-config.ts';
import { loadResults, resultsFile } from '../reports/results/results-file.ts';
import { defaultWorkers } from './backends.ts';
import { writePlanFile } from './files/plan-file.ts';

/**
 * Plans the run once: the matrix, its region override, `--grep` (filtering before planning also drops
 * the instance groups no selected cell needs), the shard and the caps, written to `--out/plan.json` for
 * every later process.
 */
export async function planRun(config: RunConfig): Promise<RunPlan> {
  const caps = config.caps ?? DEFAULT_CAPS;
  // The matrix's own size limits bound the expansion; the run's caps then apply to what this run executes
  // (after --grep and the shard), so a large matrix can still run a few of its cells.
  const matrix = await loadMatrix(config.matrixFile, {
    maxCells: Math.max(DEFAULT_MATRIX_LIMITS.maxCells, caps.maxCells),
    maxInstances: Math.max(DEFAULT_MATRIX_LIMITS.maxInstances, caps.maxInstances),
  });
  const grep = config.grep ? new RegExp(config.grep) : undefined;
  const whole = planMatrix({
    ...matrix,
    cells: grep ? matrix.cells.filter((cell) => grep.test(cell.id)) : matrix.cells,
  });
  // A shard provisions only its own instance groups: no instance is shared by two shards.
  const plan = config.shard ? shardOf(whole, config.shard) : whole;
  const matrixFile = config.matrixFile ?? DEFAULT_MATRIX_PATH;
  if (!config.passWithNoTests) {
    refuseEmptySelection(
      plan,
      { file: matrixFile, name: matrix.name, cells: matrix.cells, instanceGroups: whole.instanceGroups.length },
      { ...(config.grep !== undefined ? { grep: config.grep } : {}), ...(config.shard ? { shard: config.shard } : {}) },
    );
  }
  checkRunCaps(plan, caps, matrixFile);
  const file = planFileOf(plan, {
    ...(config.region ? { region: config.region } : {}),
    previousDurations: await previousDurations(config),
    workers: config.workers ?? (await defaultWorkers(config.backend, config.labAgent)),
  });
  writePlanFile(config, file);
  return runPlanOf(file);
}

/**
 * Each cell's duration in the results this directory holds from the last run (read before this run
 * replaces them), for the longest-first order: its task's run time where it ran (a wait for its instance
 * is not the cell's length), else its whole time. Unreadable or absent results: estimates only.
 */
async function previousDurations(config: RunConfig): Promise<Map<string, number>> {
  const file = resultsFile(config.outDir);
  if (!existsSync(file)) return new Map();
  try {
    const results = await loadResults(file);
    return new Map(results.cells.map((cell) => [cell.id, cell.details.taskRunMs ?? cell.durationMs]));
  } catch {
    return new Map();
  }
}
