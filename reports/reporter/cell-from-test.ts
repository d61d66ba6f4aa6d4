import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import type { TestCase, TestResult } from '@playwright/test/reporter';
import { makeCell } from '../../core/matrix/cell.ts';
import { instanceGroupId } from '../../core/matrix/instance-groups.ts';
import type { PlannedCell } from '../../core/plan/plan.ts';
import type { CellResult, Expectation, RunMetadata } from '../../core/results/results-schema.ts';
import { expectationFor } from '../../core/rules/expect.ts';
import { parseCellId } from './parse-cell-id.ts';

/** The attachment names the run's tests use (suites/ attaches them; see docs/results-schema.md). */
export const CELL_RESULT_ATTACHMENT = 'cell-result';
export const RUN_METADATA_ATTACHMENT = 'run-metadata';
/** Optional annotation naming a test's cell when its title is not the cell id. */
export const CELL_ANNOTATION = 'cell';

/** Reads a JSON attachment by name: inline body (a live run) or a file (merged blob reports). */
export function jsonAttachment<T>(result: TestResult, name: string): T | undefined {
  const attachment = [...result.attachments].reverse().find((candidate) => candidate.name === name);
  if (!attachment) return undefined;
  const text = attachment.body
    ? attachment.body.toString('utf8')
    : attachment.path
      ? readFileSync(attachment.path, 'utf8')
      : undefined;
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/** The cell id a test stands for, if it is a cell test: annotation `cell`, else a title that is a cell id. */
export function cellIdOf(test: TestCase): string | undefined {
  const annotated = test.annotations.find((annotation) => annotation.type === CELL_ANNOTATION)?.description;
  if (annotated) return annotated;
  return parseCellId(test.title) ? test.title : undefined;
}

/** A cell's own result as its test attached it (the reporter redacts every string of it). */
export function reportedCell(result: TestResult): CellResult | undefined {
  return jsonAttachment<CellResult>(result, CELL_RESULT_ATTACHMENT);
}

export function runMetadataOf(result: TestResult): RunMetadata | undefined {
  return jsonAttachment<RunMetadata>(result, RUN_METADATA_ATTACHMENT);
}

/**
 * A cell test that ended without a `cell-result` (it crashed, timed out, was interrupted, or a bug): INFRA_ERROR
 * or TIMEOUT with the error text. Its expectation is the plan's (matrix overrides included); without
 * a plan (`merge-reports` of shards elsewhere) it is recomputed from the rules and says so.
 */
export function crashedCell(id: string, result: TestResult, planned?: PlannedCell): CellResult | undefined {
  const dimensions = planned?.dimensions ?? parseCellId(id);
  if (!dimensions) return undefined;
  const cell = makeCell(dimensions);
  const expected = planned?.expected ?? recomputed(expectationFor(cell));
  const errors = errorText(result);
  const outcome = result.status === 'timedOut' ? 'TIMEOUT' : 'INFRA_ERROR';
  const what = {
    passed: 'passed',
    failed: 'failed',
    timedOut: 'timed out',
    interrupted: 'was interrupted',
    skipped: 'was skipped',
  }[result.status];
  return {
    id,
    dimensions,
    expected,
    actual: {
      outcome,
      evidence: {
        decidedBy: `the cell's test ${what} without attaching a ${CELL_RESULT_ATTACHMENT}: ${errors[0] ?? 'no error message'}`,
      },
    },
    verdict: 'infra',
    durationMs: result.duration,
    details: { instanceGroup: instanceGroupId(cell), log: errors.flatMap((text) => text.split('\n')) },
  };
}

function recomputed(expected: Expectation): Expectation {
  return {
    ...expected,
    statement: `${expected.statement} (expectation recomputed from the rules: the reporter had no plan.json)`,
  };
}

/** The test's errors as plain text (no ANSI colours; the reporter redacts them with the rest). */
export function errorText(result: TestResult): string[] {
  const texts = result.errors.length > 0 ? result.errors : result.error ? [result.error] : [];
  return texts.map((error) => stripVTControlCharacters(error.message ?? error.value ?? 'unknown error'));
}
