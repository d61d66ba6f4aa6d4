import { BadInputError } from '../../core/errors.ts';
import { OUTCOMES, type Outcome } from '../../core/outcome.ts';
import type { CellChange, ChangeKind, MatrixComparison } from './diff-kinds.ts';

/** What the gate may accept when asked to (`diff --accept-…`, `--allow-…`); everything else always fails it. */
export interface GateOptions {
  /**
   * Behaviour changes to accept: `all`, a cell id (whatever it changed to), or `ID:OUTCOME` (only if it
   * now gives that outcome). Repeatable; a value matching no behaviour change is named in the gate's notes.
   */
  acceptBehaviourChange?: string[];
  /** Cells of the baseline missing from the candidate (a smaller candidate on purpose). */
  allowRemoved?: boolean;
  /** Cells either run has no outcome for (INFRA_ERROR/TIMEOUT). */
  allowUnjudged?: boolean;
  /** Runs covering different configurations (cells in one run only, either way). */
  allowMatrixChange?: boolean;
}

export interface Gate {
  passed: boolean;
  /** Why it failed, one sentence each (empty when it passed). */
  failures: string[];
  /** What would have failed it but a flag accepted, e.g. `--allow-removed`. */
  accepted: string[];
  /** What does not decide the gate but a reader should know (an expectation change, an accept that matched nothing). */
  notes: string[];
}

export interface GateInput {
  counts: Record<ChangeKind, number>;
  changes: readonly CellChange[];
  matrix: MatrixComparison;
  baselineCells: number;
  candidateCells: number;
  /** Both files are one run (same run id and start). */
  sameRun: { runId: string } | undefined;
  /** Configurations in both runs with an outcome (not INFRA_ERROR/TIMEOUT) on both sides. */
  judgedInBoth: number;
}

const ACCEPT_FLAG = '--accept-behaviour-change';

/** `all`, `ID` or `ID:OUTCOME`; malformed values are bad input (exit 2). */
export function parseAccepts(values: readonly string[]): { all: boolean; cells: Map<string, Outcome | undefined> } {
  const cells = new Map<string, Outcome | undefined>();
  let all = false;
  for (const value of values) {
    if (value === 'all') {
      all = true;
      continue;
    }
    const [id = '', outcome, ...rest] = value.split(':');
    const validOutcome = outcome === undefined || (OUTCOMES as readonly string[]).includes(outcome);
    if (!/^[A-Za-z0-9][A-Za-z0-9=,._-]*$/.test(id) || rest.length > 0 || !validOutcome) {
      throw new BadInputError([
        {
          file: ACCEPT_FLAG,
          path: '',
          message: `"${value.slice(0, 200)}": expected all, a cell id (e.g. network=host) or ID:OUTCOME with OUTCOME one of ${OUTCOMES.join(', ')}`,
        },
      ]);
    }
    cells.set(id, outcome as Outcome | undefined);
  }
  return { all, cells };
}

/** Marks the behaviour changes the accept values cover; returns the values that matched none. */
export function markAccepted(changes: CellChange[], values: readonly string[]): string[] {
  const { all, cells } = parseAccepts(values);
  const used = new Set<string>();
  for (const change of changes) {
    if (change.kind !== 'behaviour') continue;
    const wanted = cells.get(change.id);
    const matches = cells.has(change.id) && (wanted === undefined || wanted === change.candidate?.outcome);
    if (matches) used.add(change.id);
    if (all || matches) change.accepted = true;
  }
  return [...cells.entries()]
    .filter(([id]) => !used.has(id))
    .map(([id, outcome]) => `${ACCEPT_FLAG} ${id}${outcome ? `:${outcome}` : ''} matched no behaviour change`);
}

/**
 * The upgrade gate fails closed: anything that means the candidate did not show the same configurations
 * behaving as before fails it — a behaviour change, the same run on both sides, an empty run, a cell with
 * no outcome, cells in one run only, no configuration judged in both runs. Behaviour changes, unjudged cells and a different matrix can be
 * accepted by a flag, and then say so. An expectation change alone is reported, never a failure.
 */
export function gateOf(input: GateInput, options: GateOptions = {}): Omit<Gate, 'notes'> {
  const failures: string[] = [];
  const accepted: string[] = [];
  if (input.sameRun) {
    failures.push(
      `the baseline and the candidate are the same run (${input.sameRun.runId}): nothing was compared; give the candidate run's results.json`,
    );
  }
  if (input.candidateCells === 0) failures.push('the candidate has no cells (did its run fail before any cell?)');
  if (input.baselineCells === 0) failures.push('the baseline has no cells: nothing to compare with');
  if (input.baselineCells > 0 && input.candidateCells > 0 && input.judgedInBoth === 0) {
    // No flag accepts this: with every compared cell unjudged, the gate would pass on no evidence at all.
    failures.push(
      'no configuration has an outcome in both runs (every shared cell is INFRA_ERROR or TIMEOUT on one side, or none is shared): nothing was compared, whatever the flags',
    );
  }
  const behaviour = input.changes.filter((change) => change.kind === 'behaviour');
  const open = behaviour.filter((change) => !change.accepted);
  const acceptedIds = behaviour.filter((change) => change.accepted).map((change) => change.id);
  if (open.length > 0) {
    failures.push(
      `${open.length} behaviour changes (same configuration, another outcome): ${listIds(open.map((c) => c.id))} ` +
        `(accept with ${ACCEPT_FLAG} ID, or ${ACCEPT_FLAG} all)`,
    );
  }
  if (acceptedIds.length > 0) {
    accepted.push(`${acceptedIds.length} behaviour changes: ${listIds(acceptedIds)} (accepted with ${ACCEPT_FLAG})`);
  }
  for (const [what, flags, acceptedBy] of optionalReasons(input, options)) {
    if (acceptedBy) accepted.push(`${what} (accepted with ${acceptedBy})`);
    else failures.push(`${what} (accept with ${flags})`);
  }
  return { passed: failures.length === 0, failures, accepted };
}

/** [what, the flags that would accept it, the flag that did]. */
function optionalReasons(input: GateInput, options: GateOptions): [string, string, string | undefined][] {
  const reasons: [string, string, string | undefined][] = [];
  if (input.counts.unjudged > 0) {
    reasons.push([
      `${input.counts.unjudged} cells have no outcome in the candidate (INFRA_ERROR or TIMEOUT)`,
      '--allow-unjudged',
      options.allowUnjudged ? '--allow-unjudged' : undefined,
    ]);
  }
  if (input.counts.baselineUnjudged > 0) {
    reasons.push([
      `${input.counts.baselineUnjudged} cells have no outcome in the baseline (INFRA_ERROR or TIMEOUT): the candidate's outcome is compared with nothing`,
      '--allow-unjudged',
      options.allowUnjudged ? '--allow-unjudged' : undefined,
    ]);
  }
  const { matrix } = input;
  if (!matrix.same && input.baselineCells > 0 && input.candidateCells > 0) {
    const onlyRemoved = matrix.onlyInCandidate === 0;
    reasons.push([
      `the runs are of different matrices${matrixNames(matrix)}: ${matrix.shared} cells in both, ` +
        `${matrix.onlyInBaseline} only in the baseline, ${matrix.onlyInCandidate} only in the candidate`,
      onlyRemoved ? '--allow-removed or --allow-matrix-change' : '--allow-matrix-change',
      options.allowMatrixChange
        ? '--allow-matrix-change'
        : onlyRemoved && options.allowRemoved
          ? '--allow-removed'
          : undefined,
    ]);
  }
  return reasons;
}

/** ` (both named "x": the cells differ)` or ` ("a" → "b")`. */
function matrixNames(matrix: MatrixComparison): string {
  return matrix.baselineName === matrix.candidateName
    ? ` (both named "${matrix.baselineName}", but their cells differ)`
    : ` ("${matrix.baselineName}" → "${matrix.candidateName}")`;
}

/** The first ids, then how many more: a reason stays one readable line. */
function listIds(ids: readonly string[], max = 5): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}
