import { loadMatrix } from '../matrix/index.ts';
import { type Plan, planMatrix } from '../plan/plan.ts';
import type { RunConfig } from '../run/run-config.ts';

/**
 * Every Playwright process computes the same plan from the same config, so test titles (the cell ids)
 * are identical everywhere ("Test not found in the worker process" otherwise).
 */
export async function loadPlan(config: RunConfig): Promise<Plan> {
  const matrix = await loadMatrix(config.matrixFile);
  return planMatrix(config.region ? { ...matrix, region: config.region } : matrix);
}
