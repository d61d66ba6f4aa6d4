/**
 * What `diff` says about one cell, matched across the two runs by its configuration (every dimension),
 * not by its id or the matrix's name. The gate compares behaviour — the outcome a configuration gives —
 * and reports a change of the team's own expectation apart from it.
 */
import type { Dimensions } from '../../core/matrix/dimensions.ts';
import type { Outcome } from '../../core/outcome.ts';
import type { Verdict } from '../../core/results/results-schema.ts';

/**
 * behaviour: the same configuration gave another outcome, whatever either run expected (both runs have an
 * outcome). unjudged: the candidate has no outcome (INFRA_ERROR or TIMEOUT). baselineUnjudged: the
 * baseline has none but the candidate has one (nothing to compare it with: not a behaviour change).
 * expectation: the same outcome, another expected outcome (a rule or the matrix's `expect` changed; not a
 * regression). new/removed: the configuration is in one run only. unchanged: same outcome, same expectation.
 */
export const CHANGE_KINDS = [
  'behaviour',
  'unjudged',
  'baselineUnjudged',
  'expectation',
  'new',
  'removed',
  'unchanged',
] as const;
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
  /** A behaviour change whose expected outcome changed too: the candidate's own verdict cannot show it. */
  expectationMoved?: boolean;
  /** A behaviour change accepted with `--accept-behaviour-change`. */
  accepted?: boolean;
}

/** Whether the two runs cover the same configurations, whatever their matrices are named. */
export interface MatrixComparison {
  same: boolean;
  baselineName: string;
  candidateName: string;
  /** Configurations in both runs. */
  shared: number;
  onlyInBaseline: number;
  onlyInCandidate: number;
}
