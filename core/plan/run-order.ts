/**
 * The order cells start in: longest first, so the long ones do not start last and leave workers idle at
 * the end of the run; but a cell whose instance is ready late (a rebooted group's) does not take a worker
 * at the start only to wait. A cell's expected duration is its task's run time in the previous results
 * file when there is one; otherwise an estimate from its expected outcome and client (an unreachable
 * credentials endpoint costs a retrying client its retries). The order is a simulation of the workers
 * taking cells (list scheduling, longest ready cell first); ties keep the plan's order, so it is stable.
 */
import { rebootedBeforeCells } from '../matrix/dimensions.ts';
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
  /** When a rebooted group's instance takes tasks, after the others: its reboot and second registration. */
  rebootedReady: 20_000,
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

/** How long after the run's start the cell's instance is expected to take tasks. */
export function estimatedReadyMs(cell: PlannedCell): number {
  return rebootedBeforeCells(cell.dimensions.hostRules) ? ESTIMATE_MS.rebootedReady : 0;
}

/**
 * Cell ids in the order they should start. `previous`: cell id → duration (ms) in the last results file;
 * `workers`: how many cells run at once.
 */
export function runOrder(
  cells: readonly PlannedCell[],
  previous: ReadonlyMap<string, number>,
  workers: number,
): string[] {
  const pending = cells
    .map((cell, index) => ({
      id: cell.id,
      ms: previous.get(cell.id) ?? estimatedDurationMs(cell),
      readyMs: estimatedReadyMs(cell),
      index,
    }))
    .sort((a, b) => b.ms - a.ms || a.index - b.index);
  const freeAt = Array.from({ length: Math.max(1, Math.floor(workers)) }, () => 0);
  const order: string[] = [];
  while (pending.length > 0) {
    const now = Math.min(...freeAt);
    // The longest cell that can start when the next worker is free (or, if none can, once one can).
    const startAt = Math.max(now, Math.min(...pending.map((entry) => entry.readyMs)));
    const [next] = pending.splice(
      pending.findIndex((entry) => entry.readyMs <= startAt),
      1,
    );
    if (!next) break;
    freeAt[freeAt.indexOf(now)] = startAt + next.ms;
    order.push(next.id);
  }
  return order;
}
