import { OUTCOMES, type Outcome } from '../../core/outcome.ts';
import type { CellResult, Verdict } from '../../core/results/results-schema.ts';
import { VERDICT_ORDER } from './labels.ts';

export interface Totals {
  cells: number;
  byVerdict: Record<Verdict, number>;
  /** Actual outcomes, in OUTCOMES order, only those that occurred. */
  byOutcome: [Outcome, number][];
}

export function totalsOf(cells: readonly CellResult[]): Totals {
  const byVerdict = Object.fromEntries(VERDICT_ORDER.map((verdict) => [verdict, 0])) as Record<Verdict, number>;
  const outcomes = new Map<Outcome, number>();
  for (const cell of cells) {
    byVerdict[cell.verdict] += 1;
    outcomes.set(cell.actual.outcome, (outcomes.get(cell.actual.outcome) ?? 0) + 1);
  }
  const byOutcome = OUTCOMES.filter((outcome) => outcomes.has(outcome)).map(
    (outcome) => [outcome, outcomes.get(outcome) as number] as [Outcome, number],
  );
  return { cells: cells.length, byVerdict, byOutcome };
}

/** Stable order for lists: deviations, then no-verdict cells, then as expected; by id within each. */
export function byVerdictThenId(a: CellResult, b: CellResult): number {
  const order = VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict);
  return order !== 0 ? order : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
