import type { ChangeKind } from './diff-results.ts';

/** What the gate may accept when asked to (`diff --allow-…`); everything else always fails it. */
export interface GateOptions {
  /** Cells of the baseline missing from the candidate (a smaller matrix on purpose). */
  allowRemoved?: boolean;
  /** Cells that were as expected and are now INFRA_ERROR/TIMEOUT (no verdict). */
  allowUnjudged?: boolean;
  /** Runs of matrices with different names. */
  allowMatrixChange?: boolean;
}

export interface Gate {
  passed: boolean;
  /** Why it failed, one sentence each (empty when it passed). */
  failures: string[];
  /** What failed it only because a flag did not accept it, e.g. `--allow-removed`. */
  accepted: string[];
}

interface GateInput {
  counts: Record<ChangeKind, number>;
  baselineCells: number;
  candidateCells: number;
  baselineMatrix: string;
  candidateMatrix: string;
}

/**
 * The upgrade gate fails closed: anything that means the candidate did not show the same cells
 * behaving as well as before fails it — a regression, a cell lost, a cell that ran but could not be
 * judged, an empty run, a different matrix. The last three can be accepted by a flag, and then say so.
 */
export function gateOf(input: GateInput, options: GateOptions = {}): Gate {
  const failures: string[] = [];
  const accepted: string[] = [];
  const { counts } = input;
  if (counts.regression > 0) failures.push(`${counts.regression} regressions (was as expected, now deviates)`);
  if (input.candidateCells === 0) failures.push('the candidate has no cells (did its run fail before any cell?)');
  if (input.baselineCells === 0) failures.push('the baseline has no cells: nothing to compare with');
  const optional: [count: number, flag: string, allowed: boolean | undefined, what: string][] = [
    [counts.removed, '--allow-removed', options.allowRemoved, `${counts.removed} cells of the baseline are missing`],
    [
      counts.unjudged,
      '--allow-unjudged',
      options.allowUnjudged,
      `${counts.unjudged} cells were as expected and are now INFRA_ERROR or TIMEOUT (no verdict)`,
    ],
    [
      input.baselineMatrix === input.candidateMatrix ? 0 : 1,
      '--allow-matrix-change',
      options.allowMatrixChange,
      `the runs are of different matrices ("${input.baselineMatrix}" → "${input.candidateMatrix}")`,
    ],
  ];
  for (const [count, flag, allowed, what] of optional) {
    if (count === 0) continue;
    if (allowed) accepted.push(`${what} (accepted with ${flag})`);
    else failures.push(`${what} (accept with ${flag})`);
  }
  return { passed: failures.length === 0, failures, accepted };
}
