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
  /** Against the last run that judged the cell (TestGrid's groups); undefined: nothing to say. */
  change?: HistoryChange;
}

/**
 * Against the last earlier run that judged the cell: `new`, a deviation now, as expected (or not judged)
 * before; `fixed`, as expected now, a deviation before — what changed since the last run comes first.
 * Otherwise `flaky` when the outcome ever changed on the same configuration, and `still` for a deviation
 * now and before.
 */
export type HistoryChange = 'new' | 'still' | 'fixed' | 'flaky';

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
    const flakes = flakiness(points);
    const since = changeOf(points);
    const change = since === 'new' || since === 'fixed' ? since : flakes.flaky ? 'flaky' : since;
    history.set(cell.id, { points, ...flakes, ...(change ? { change } : {}) });
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

/** The newest point against the last earlier point with a verdict (INFRA_ERROR and TIMEOUT have none). */
function changeOf(points: readonly (HistoryPoint | undefined)[]): HistoryChange | undefined {
  const now = points.at(-1)?.verdict;
  const before = points
    .slice(0, -1)
    .reverse()
    .find((point) => point && point.verdict !== 'infra')?.verdict;
  if (now === 'fail') return before === 'fail' ? 'still' : 'new';
  if (now === 'pass' && before === 'fail') return 'fixed';
  return undefined;
}
