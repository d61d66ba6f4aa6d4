import type { Classification } from './classify/classify.ts';
import { INFRA_OUTCOMES, type Outcome } from './outcome.ts';
import type { PlannedCell } from './plan/plan.ts';
import type { CellDetails, CellResult, Verdict } from './results/results-schema.ts';

/** INFRA_ERROR and TIMEOUT say nothing about the configuration, so they never count as a deviation. */
export function verdictOf(expected: CellResult['expected']['outcome'], actual: Classification['outcome']): Verdict {
  if (INFRA_OUTCOMES.has(actual)) return 'infra';
  return actual === expected ? 'pass' : 'fail';
}

/** Outcomes of a task that never ran its command: nothing read IMDS, so no metadata read is judged. */
export const NO_TASK_RAN: ReadonlySet<Outcome> = new Set(['NOT_PLACED', 'ROLE_NOT_ASSUMABLE', ...INFRA_OUTCOMES]);

/**
 * An `imds-metadata-reader` cell whose task ran deviates when its metadata read is not the expected one,
 * or when the reader never reported (a missing line is not a read).
 */
export function metadataDeviates(expected: CellResult['expected'], outcome: Outcome, details: CellDetails): boolean {
  if (!expected.imdsMetadata || NO_TASK_RAN.has(outcome)) return false;
  return details.imdsMetadata?.result !== expected.imdsMetadata.result;
}

export function cellResult(
  cell: PlannedCell,
  classification: Classification,
  details: CellDetails,
  durationMs: number,
): CellResult {
  const verdict = verdictOf(cell.expected.outcome, classification.outcome);
  return {
    id: cell.id,
    dimensions: cell.dimensions,
    expected: cell.expected,
    actual: classification,
    verdict: verdict === 'pass' && metadataDeviates(cell.expected, classification.outcome, details) ? 'fail' : verdict,
    durationMs,
    details,
  };
}
