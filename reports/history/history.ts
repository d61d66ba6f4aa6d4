import { INFRA_OUTCOMES, type Outcome } from '../../core/outcome.ts';
import type { CellResult, RunResults, Verdict } from '../../core/results/results-schema.ts';

export interface HistoryPoint {
  outcome: Outcome;
  verdict: Verdict;
  /** What the outcome may legitimately depend on besides the cell's dimensions (AMI image, agent, backend). */
  configuration: string;
}

export interface CellHistory {
  /** One entry per run, aligned with the runs given (oldest first); undefined where the run lacked the cell. */
  points: (HistoryPoint | undefined)[];
  /** Outcome changes between runs of the same configuration (INFRA_ERROR/TIMEOUT never count). */
  flips: number;
  /** Comparisons made: consecutive judged runs of the same configuration. */
  comparisons: number;
  flaky: boolean;
}

/**
 * The recent outcomes of every cell of the newest run across runs (oldest first, newest last), and
 * whether the cell is flaky: its outcome changed between two runs with the same configuration. An
 * outcome change that comes with a new AMI image, agent version or backend is a change, not flakiness.
 */
export function buildHistory(runs: readonly RunResults[]): Map<string, CellHistory> {
  const newest = runs.at(-1);
  const history = new Map<string, CellHistory>();
  if (!newest) return history;
  const indexes = runs.map((run) => new Map(run.cells.map((cell) => [cell.id, cell])));
  for (const cell of newest.cells) {
    const points = runs.map((run, index) => {
      const past = indexes[index]?.get(cell.id);
      return past ? pointOf(run, past) : undefined;
    });
    history.set(cell.id, { points, ...flakiness(points) });
  }
  return history;
}

function pointOf(run: RunResults, cell: CellResult): HistoryPoint {
  const ami = run.run.amis[cell.dimensions.ami];
  const image = ami?.imageId ?? cell.details.amiId ?? '?';
  return {
    outcome: cell.actual.outcome,
    verdict: cell.verdict,
    configuration: `${run.run.backend}|${image}|${ami?.agentVersion ?? '?'}`,
  };
}

function flakiness(points: readonly (HistoryPoint | undefined)[]) {
  const lastByConfiguration = new Map<string, Outcome>();
  let flips = 0;
  let comparisons = 0;
  for (const point of points) {
    if (!point || INFRA_OUTCOMES.has(point.outcome)) continue;
    const previous = lastByConfiguration.get(point.configuration);
    if (previous !== undefined) {
      comparisons += 1;
      if (previous !== point.outcome) flips += 1;
    }
    lastByConfiguration.set(point.configuration, point.outcome);
  }
  return { flips, comparisons, flaky: flips > 0 };
}
