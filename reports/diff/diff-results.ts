import type { Dimensions } from '../../core/matrix/dimensions.ts';
import type { Outcome } from '../../core/outcome.ts';
import type { CellResult, RunMetadata, RunResults, Verdict } from '../../core/results/results-schema.ts';
import { type Gate, type GateOptions, gateOf } from './diff-gate.ts';

/**
 * regression: was as expected, now deviates. unjudged: was as expected, now INFRA_ERROR/TIMEOUT (no
 * verdict: the gate cannot call it good). fix: deviated, now as expected. changed: any other change of
 * outcome or verdict. new/removed: only in one run.
 */
export const CHANGE_KINDS = ['regression', 'unjudged', 'fix', 'changed', 'new', 'removed', 'unchanged'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface CellSide {
  outcome: Outcome;
  verdict: Verdict;
  expected: Outcome;
  rule: string;
  decidedBy: string;
}

export interface CellChange {
  id: string;
  kind: ChangeKind;
  dimensions: Dimensions;
  baseline?: CellSide;
  candidate?: CellSide;
}

export interface ResultsDiff {
  baseline: RunMetadata;
  candidate: RunMetadata;
  counts: Record<ChangeKind, number>;
  /** Every cell of either run except the unchanged ones, grouped by kind in CHANGE_KINDS order. */
  changes: CellChange[];
  /** Whether the candidate may replace the baseline, and why not (diff-gate.ts). */
  gate: Gate;
}

export function diffResults(baseline: RunResults, candidate: RunResults, options: GateOptions = {}): ResultsDiff {
  const before = new Map(baseline.cells.map((cell) => [cell.id, cell]));
  const after = new Map(candidate.cells.map((cell) => [cell.id, cell]));
  const all: CellChange[] = [];
  for (const cell of candidate.cells) all.push(changeOf(before.get(cell.id), cell));
  for (const cell of baseline.cells) if (!after.has(cell.id)) all.push(changeOf(cell, undefined));
  const counts = Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as Record<ChangeKind, number>;
  for (const change of all) counts[change.kind] += 1;
  const changes = CHANGE_KINDS.filter((kind) => kind !== 'unchanged').flatMap((kind) =>
    all.filter((change) => change.kind === kind),
  );
  const gate = gateOf(
    {
      counts,
      baselineCells: baseline.cells.length,
      candidateCells: candidate.cells.length,
      baselineMatrix: baseline.run.matrixName,
      candidateMatrix: candidate.run.matrixName,
    },
    options,
  );
  return { baseline: baseline.run, candidate: candidate.run, counts, changes, gate };
}

function changeOf(before: CellResult | undefined, after: CellResult | undefined): CellChange {
  const cell = (after ?? before) as CellResult;
  const change: CellChange = { id: cell.id, kind: kindOf(before, after), dimensions: cell.dimensions };
  if (before) change.baseline = sideOf(before);
  if (after) change.candidate = sideOf(after);
  return change;
}

export function kindOf(before: CellResult | undefined, after: CellResult | undefined): ChangeKind {
  if (!before) return 'new';
  if (!after) return 'removed';
  if (before.verdict === 'pass' && after.verdict === 'fail') return 'regression';
  if (before.verdict === 'pass' && after.verdict === 'infra') return 'unjudged';
  if (before.verdict === 'fail' && after.verdict === 'pass') return 'fix';
  if (before.actual.outcome !== after.actual.outcome || before.verdict !== after.verdict) return 'changed';
  return 'unchanged';
}

function sideOf(cell: CellResult): CellSide {
  return {
    outcome: cell.actual.outcome,
    verdict: cell.verdict,
    expected: cell.expected.outcome,
    rule: cell.expected.rule,
    decidedBy: cell.actual.evidence.decidedBy,
  };
}
