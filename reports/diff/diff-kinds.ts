/**
 * What `diff` says about one cell, matched across the two runs by its configuration (every dimension),
 * not by its id or the matrix's name. The gate compares behaviour — the outcome a configuration gives —
 * and reports a change of the team's own expectation apart from it.
 */
import type { Dimension, Dimensions } from '../../core/matrix/dimensions.ts';
import type { Outcome } from '../../core/outcome.ts';
import type { ImdsMetadataResult, Verdict } from '../../core/results/results-schema.ts';

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
  /** The IMDS metadata read of a `process: imds-metadata-reader` cell (a change in it is a behaviour change). */
  metadataRead?: ImdsMetadataResult;
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

/**
 * The dimensions an upgrade gate changes between two runs: a run on one agent release against a run on
 * another. When each run holds one value of such a dimension and the two values differ, cells are matched
 * without it (every cell would otherwise be in one run only) and the diff names the change instead. AMIs
 * need no entry: a profile's image id is not a dimension (run.amis records it, ami-changes.ts shows it).
 */
export const UPGRADE_DIMENSIONS: readonly Dimension[] = ['agentVersion'];

/** One upgrade dimension, its single value in each run. */
export interface ComparedDimension {
  dimension: Dimension;
  baseline: string;
  candidate: string;
}

/** Whether the two runs cover the same configurations, whatever their matrices are named. */
export interface MatrixComparison {
  same: boolean;
  /** Upgrade dimensions whose one value differs between the runs: cells were matched without them. */
  compared: ComparedDimension[];
  baselineName: string;
  candidateName: string;
  /** Configurations in both runs. */
  shared: number;
  onlyInBaseline: number;
  onlyInCandidate: number;
}
