import { loadMatrix } from '../core/matrix/index.ts';
import { type Plan, planMatrix } from '../core/plan/plan.ts';
import type { RunConfig } from '../run/run-config.ts';

/**
 * Every Playwright process computes the same plan from the same config, so test titles (the cell ids)
 * are identical everywhere ("Test not found in the worker process" otherwise).
 */
export async function loadPlan(config: RunConfig): Promise<Plan> {
  const matrix = await loadMatrix(config.matrixFile);
  const grep = config.grep ? new RegExp(config.grep) : undefined;
  // Filtering before planning also drops the instance groups no selected cell needs.
  return planMatrix({
    ...matrix,
    ...(config.region ? { region: config.region } : {}),
    cells: grep ? matrix.cells.filter((cell) => grep.test(cell.id)) : matrix.cells,
  });
}
