import { NO_TASK_RAN } from '../../core/cell-result.ts';
import { BadInputError, type InputProblem } from '../../core/errors.ts';
import { DIMENSION_NAMES, type Dimension, type Dimensions } from '../../core/matrix/dimensions.ts';
import { INFRA_OUTCOMES } from '../../core/outcome.ts';
import type { CellResult, RunMetadata, RunResults } from '../../core/results/results-schema.ts';
import { type Gate, type GateOptions, gateOf, markAccepted } from './diff-gate.ts';
import {
  type CellChange,
  type CellSide,
  CHANGE_KINDS,
  type ChangeKind,
  type ComparedDimension,
  type MatrixComparison,
  UPGRADE_DIMENSIONS,
} from './diff-kinds.ts';

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

/** The names the two runs are given in a bad-input message (their results files, for the command). */
export interface DiffSources {
  baseline: string;
  candidate: string;
}

/**
 * Cell by cell, matched by configuration: what changed in behaviour, what changed only in expectation,
 * what is in one run only; then the gate. Two cells of one run with the same configuration are bad
 * input: matching by configuration could not tell which of them to compare.
 */
export function diffResults(
  baseline: RunResults,
  candidate: RunResults,
  options: GateOptions = {},
  sources: DiffSources = { baseline: 'baseline', candidate: 'candidate' },
): ResultsDiff {
  const compared = comparedDimensions(baseline, candidate);
  const ignored = new Set(compared.map((entry) => entry.dimension));
  const before = cellsByConfiguration(baseline, sources.baseline, ignored);
  const after = cellsByConfiguration(candidate, sources.candidate, ignored);
  const all: CellChange[] = [];
  for (const [key, cell] of after) all.push(changeOf(before.get(key), cell));
  for (const [key, cell] of before) if (!after.has(key)) all.push(changeOf(cell, undefined));
  const counts = Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as Record<ChangeKind, number>;
  for (const change of all) counts[change.kind] += 1;
  const changes = CHANGE_KINDS.filter((kind) => kind !== 'unchanged').flatMap((kind) =>
    all.filter((change) => change.kind === kind),
  );
  const unmatched = markAccepted(changes, options.acceptBehaviourChange ?? []);
  const shared = countShared(before, after);
  const matrix = { ...compareMatrices(baseline, candidate, counts, shared.all), compared };
  const sameRun = isSameRun(baseline.run, candidate.run);
  const gate = gateOf(
    {
      counts,
      changes,
      matrix,
      baselineCells: baseline.cells.length,
      candidateCells: candidate.cells.length,
      sameRun: sameRun ? { runId: candidate.run.runId } : undefined,
      judgedInBoth: shared.judged,
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

/**
 * Each cell by its configuration key. A duplicate would silently replace the other cell (the last one
 * compared, the first one never looked at), so it is refused, naming both cells, in either run.
 */
function cellsByConfiguration(
  run: RunResults,
  source: string,
  ignored: ReadonlySet<Dimension> = new Set(),
): Map<string, CellResult> {
  const cells = new Map<string, CellResult>();
  const problems: InputProblem[] = [];
  run.cells.forEach((cell, index) => {
    const key = configurationKey(cell.dimensions, ignored);
    const earlier = cells.get(key);
    if (earlier) {
      problems.push({
        file: source,
        path: `cells[${index}]`,
        message: `cells "${earlier.id}" and "${cell.id}" have the same configuration: diff matches cells by configuration, so each must occur once in a run (give a results file whose cells are distinct configurations)`,
      });
    } else cells.set(key, cell);
  });
  if (problems.length > 0) throw new BadInputError(problems);
  return cells;
}

/** Configurations in both runs, and those of them with an outcome on both sides (what was compared). */
function countShared(before: Map<string, CellResult>, after: Map<string, CellResult>): { all: number; judged: number } {
  let all = 0;
  let judged = 0;
  for (const [key, cell] of after) {
    const earlier = before.get(key);
    if (!earlier) continue;
    all += 1;
    if (!INFRA_OUTCOMES.has(earlier.actual.outcome) && !INFRA_OUTCOMES.has(cell.actual.outcome)) judged += 1;
  }
  return { all, judged };
}

/** One configuration, every dimension in a fixed order: two cells with the same key ran the same setup. */
export function configurationKey(dimensions: Dimensions, ignored: ReadonlySet<Dimension> = new Set()): string {
  return JSON.stringify(DIMENSION_NAMES.map((name) => (ignored.has(name) ? '*' : dimensions[name])));
}

/**
 * The upgrade dimensions (agentVersion) that hold one value in every cell of each run, another in each:
 * the change the two runs were made to compare. A run mixing values, or both on one value, compares as is.
 */
export function comparedDimensions(baseline: RunResults, candidate: RunResults): ComparedDimension[] {
  const onlyValue = (run: RunResults, dimension: Dimension) => {
    const values = new Set(run.cells.map((cell) => cell.dimensions[dimension]));
    return values.size === 1 ? [...values][0] : undefined;
  };
  return UPGRADE_DIMENSIONS.flatMap((dimension) => {
    const before = onlyValue(baseline, dimension);
    const after = onlyValue(candidate, dimension);
    return before !== undefined && after !== undefined && before !== after
      ? [{ dimension, baseline: before, candidate: after }]
      : [];
  });
}

export function kindOf(before: CellResult | undefined, after: CellResult | undefined): ChangeKind {
  if (!before) return 'new';
  if (!after) return 'removed';
  if (INFRA_OUTCOMES.has(after.actual.outcome)) return 'unjudged';
  if (INFRA_OUTCOMES.has(before.actual.outcome)) return 'baselineUnjudged';
  if (before.actual.outcome !== after.actual.outcome || metadataReadChanged(before, after)) return 'behaviour';
  if (before.expected.outcome !== after.expected.outcome) return 'expectation';
  return 'unchanged';
}

/**
 * A process that reads IMDS for metadata (`process: imds-metadata-reader`) can keep its credentials outcome
 * while its metadata read stops working (the X-Ray daemon's failure), or stops reporting: that is behaviour
 * too, where both tasks ran (a reader whose task never ran reports nothing on either side).
 */
function metadataReadChanged(before: CellResult, after: CellResult): boolean {
  const bothRan = !NO_TASK_RAN.has(before.actual.outcome) && !NO_TASK_RAN.has(after.actual.outcome);
  return bothRan && before.details.imdsMetadata?.result !== after.details.imdsMetadata?.result;
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
    ...(cell.details.imdsMetadata ? { metadataRead: cell.details.imdsMetadata.result } : {}),
  };
}

function compareMatrices(
  baseline: RunResults,
  candidate: RunResults,
  counts: Record<ChangeKind, number>,
  shared: number,
): Omit<MatrixComparison, 'compared'> {
  const onlyInBaseline = counts.removed;
  const onlyInCandidate = counts.new;
  return {
    same: onlyInBaseline === 0 && onlyInCandidate === 0,
    baselineName: baseline.run.matrixName,
    candidateName: candidate.run.matrixName,
    shared,
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
