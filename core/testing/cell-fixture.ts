import { verdictOf } from '../cell-result.ts';
import { makeCell } from '../matrix/cell.ts';
import { DEFAULT_BASELINE, type PartialDimensions } from '../matrix/dimensions.ts';
import { instanceGroupId } from '../matrix/instance-groups.ts';
import type { Outcome } from '../outcome.ts';
import type { CellResult } from '../results/results-schema.ts';
import { expectationFor } from '../rules/expect.ts';

/** One cell result with the rules' real expectation; `actual` defaults to the expected outcome. */
export function cellWith(
  partial: PartialDimensions,
  actual?: Outcome,
  extra: { decidedBy?: string; log?: string[]; taskRoleArn?: string } = {},
): CellResult {
  const cell = makeCell({ ...DEFAULT_BASELINE, ...partial });
  const expected = expectationFor(cell);
  const outcome = actual ?? expected.outcome;
  return {
    id: cell.id,
    dimensions: cell.dimensions,
    expected,
    actual: { outcome, evidence: { decidedBy: extra.decidedBy ?? `decided ${outcome}` } },
    verdict: verdictOf(expected.outcome, outcome),
    durationMs: 1000,
    details: {
      instanceGroup: instanceGroupId(cell),
      taskDefinition: extra.taskRoleArn ? { taskRoleArn: extra.taskRoleArn } : {},
      log: extra.log ?? [],
    },
  };
}

/**
 * The same cell as if its matrix had `expect: [{ when: <this cell>, outcome, because }]`: the expectation
 * and the verdict a run of that matrix gives, the actual outcome kept.
 */
export function withOverride(result: CellResult, outcome: Outcome, because: string): CellResult {
  const cell = makeCell(result.dimensions);
  const expected = expectationFor(cell, [{ id: 'expect[0]', when: result.dimensions, outcome, because }]);
  return { ...result, expected, verdict: verdictOf(expected.outcome, result.actual.outcome) };
}
