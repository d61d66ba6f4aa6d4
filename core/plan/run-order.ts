/**
 * The order cells start in: longest first, so the long ones do not start last and leave workers idle at
 * the end of the run. A cell's expected duration is its duration in the previous results file when there
 * is one; otherwise an estimate from its expected outcome and client (an unreachable credentials endpoint
 * costs a retrying client its retries). Ties keep the plan's order, so the order is stable.
 */
import type { PlannedCell } from './plan.ts';

/** Rough figures (ms) from lab runs of the default matrix; only their ranking matters. */
const ESTIMATE_MS = {
  /** The AWS CLI (botocore) and SDK v2 retry an unreachable or failing endpoint for ~20 s. */
  retriedEndpointFailure: 20_000,
  /** Falling back through the chain to IMDS (or finding no provider) costs its timeouts. */
  fallback: 8_000,
  /** The task never starts. */
  notPlaced: 1_000,
  default: 5_000,
} as const;

const RETRYING_CLIENTS = new Set(['awscli-v1', 'awscli-v2', 'sdk-js-v2']);

export function estimatedDurationMs(cell: PlannedCell): number {
  switch (cell.expected.outcome) {
    case 'ENDPOINT_ERROR':
      return RETRYING_CLIENTS.has(cell.dimensions.client) ? ESTIMATE_MS.retriedEndpointFailure : ESTIMATE_MS.fallback;
    case 'INSTANCE_ROLE_DENIED':
    case 'INSTANCE_ROLE_LEAK':
    case 'NO_CREDENTIALS':
      return ESTIMATE_MS.fallback;
    case 'NOT_PLACED':
    case 'ROLE_NOT_ASSUMABLE':
      return ESTIMATE_MS.notPlaced;
    default:
      return ESTIMATE_MS.default;
  }
}

/** Cell ids, longest expected first. `previous`: cell id → duration (ms) in the last results file. */
export function runOrder(cells: readonly PlannedCell[], previous: ReadonlyMap<string, number> = new Map()): string[] {
  const expected = (cell: PlannedCell) => previous.get(cell.id) ?? estimatedDurationMs(cell);
  return cells
    .map((cell, index) => ({ id: cell.id, ms: expected(cell), index }))
    .sort((a, b) => b.ms - a.ms || a.index - b.index)
    .map((entry) => entry.id);
}
