import { DIMENSION_NAMES, type Dimensions } from '../../core/matrix/dimensions.ts';
import { INFRA_OUTCOMES } from '../../core/outcome.ts';
import type { CellResult, RunMetadata, RunResults } from '../../core/results/results-schema.ts';
import { type Gate, type GateOptions, gateOf, markAccepted } from './diff-gate.ts';
import { type CellChange, type CellSide, CHANGE_KINDS, type ChangeKind, type MatrixComparison } from './diff-kinds.ts';

export interface ResultsDiff {
  baseline: RunMetadata;
  candidate: RunMetadata;
  /** Both files are the same run: nothing was compared (the gate fails). */
  sameRun: boolean;
  matrix: MatrixComparison;
  counts: Record<ChangeKind, number>;
  /** Every cell of either run except the unchanged ones, grouped by kind in CHANGE_KINDS order. */
  changes: CellChange[];
  /** Whether the candidate may replace the baseline, and why not (diff-gate.ts). */
  gate: Gate;
}

/**
 * Cell by cell, matched by configuration: what changed in behaviour, what changed only in expectation,
 * what is in one run only; then the gate.
 */
export function diffResults(baseline: RunResults, candidate: RunResults, options: GateOptions = {}): ResultsDiff {
  const before = new Map(baseline.cells.map((cell) => [configurationKey(cell.dimensions), cell]));
  const after = new Map(candidate.cells.map((cell) => [configurationKey(cell.dimensions), cell]));
  const all: CellChange[] = [];
  for (const [key, cell] of after) all.push(changeOf(before.get(key), cell));
  for (const [key, cell] of before) if (!after.has(key)) all.push(changeOf(cell, undefined));
  const counts = Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as Record<ChangeKind, number>;
  for (const change of all) counts[change.kind] += 1;
  const changes = CHANGE_KINDS.filter((kind) => kind !== 'unchanged').flatMap((kind) =>
    all.filter((change) => change.kind === kind),
  );
  const unmatched = markAccepted(changes, options.acceptBehaviourChange ?? []);
  const matrix = compareMatrices(baseline, candidate, counts);
  const sameRun = isSameRun(baseline.run, candidate.run);
  const gate = gateOf(
    {
      counts,
      changes,
      matrix,
      baselineCells: baseline.cells.length,
      candidateCells: candidate.cells.length,
      sameRun: sameRun ? { runId: candidate.run.runId } : undefined,
    },
    options,
  );
  const notes = [...expectationNotes(counts), ...unmatched];
  return {
    baseline: baseline.run,
    candidate: candidate.run,
    sameRun,
    matrix,
    counts,
    changes,
    gate: { ...gate, notes },
  };
}

/** One configuration, every dimension in a fixed order: two cells with the same key ran the same setup. */
export function configurationKey(dimensions: Dimensions): string {
  return JSON.stringify(DIMENSION_NAMES.map((name) => dimensions[name]));
}

export function kindOf(before: CellResult | undefined, after: CellResult | undefined): ChangeKind {
  if (!before) return 'new';
  if (!after) return 'removed';
  if (INFRA_OUTCOMES.has(after.actual.outcome)) return 'unjudged';
  if (before.actual.outcome !== after.actual.outcome) return 'behaviour';
  if (before.expected.outcome !== after.expected.outcome) return 'expectation';
  return 'unchanged';
}

function changeOf(before: CellResult | undefined, after: CellResult | undefined): CellChange {
  const cell = (after ?? before) as CellResult;
  const kind = kindOf(before, after);
  const change: CellChange = { id: cell.id, kind, dimensions: cell.dimensions };
  if (before) change.baseline = sideOf(before);
  if (after) change.candidate = sideOf(after);
  if (kind === 'behaviour' && before?.expected.outcome !== after?.expected.outcome) change.expectationMoved = true;
  return change;
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

function compareMatrices(
  baseline: RunResults,
  candidate: RunResults,
  counts: Record<ChangeKind, number>,
): MatrixComparison {
  const onlyInBaseline = counts.removed;
  const onlyInCandidate = counts.new;
  return {
    same: onlyInBaseline === 0 && onlyInCandidate === 0,
    baselineName: baseline.run.matrixName,
    candidateName: candidate.run.matrixName,
    shared: candidate.cells.length - onlyInCandidate,
    onlyInBaseline,
    onlyInCandidate,
  };
}

/** A run's id and start name it: two copies of one results file are the same run. */
function isSameRun(baseline: RunMetadata, candidate: RunMetadata): boolean {
  return baseline.runId === candidate.runId && baseline.startedAt === candidate.startedAt;
}

function expectationNotes(counts: Record<ChangeKind, number>): string[] {
  if (counts.expectation === 0) return [];
  return [
    `${counts.expectation} expectation changes (same outcome, another expected outcome): not a regression; check that the change to the rules or the matrix's expect was meant`,
  ];
}
