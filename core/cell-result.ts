import type { Classification } from './classify/classify.ts';
import { INFRA_OUTCOMES } from './outcome.ts';
import type { PlannedCell } from './plan/plan.ts';
import type { CellDetails, CellResult, Verdict } from './results/results-schema.ts';

/** INFRA_ERROR and TIMEOUT say nothing about the configuration, so they never count as a deviation. */
export function verdictOf(expected: CellResult['expected']['outcome'], actual: Classification['outcome']): Verdict {
  if (INFRA_OUTCOMES.has(actual)) return 'infra';
  return actual === expected ? 'pass' : 'fail';
}

export function cellResult(
  cell: PlannedCell,
  classification: Classification,
  details: CellDetails,
  durationMs: number,
): CellResult {
  return {
    id: cell.id,
    dimensions: cell.dimensions,
    expected: cell.expected,
    actual: classification,
    verdict: verdictOf(cell.expected.outcome, classification.outcome),
    durationMs,
    details,
  };
}
