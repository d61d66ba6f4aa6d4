import { readFileSync } from 'node:fs';
import type { TestCase, TestResult } from '@playwright/test/reporter';
import { makeCell } from '../../core/matrix/cell.ts';
import { instanceGroupId } from '../../core/matrix/instance-groups.ts';
import type { CellResult, RunMetadata } from '../../core/results/results-schema.ts';
import { expectationFor } from '../../core/rules/expect.ts';
import { parseCellId } from './parse-cell-id.ts';
import { redactSecrets } from './redact.ts';

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

/** A cell's own result, with secrets redacted from every free text. */
export function reportedCell(result: TestResult): CellResult | undefined {
  const cell = jsonAttachment<CellResult>(result, CELL_RESULT_ATTACHMENT);
  if (!cell) return undefined;
  return {
    ...cell,
    actual: {
      ...cell.actual,
      evidence: { ...cell.actual.evidence, decidedBy: redactSecrets(cell.actual.evidence.decidedBy) },
    },
    details: { ...cell.details, log: cell.details.log.map(redactSecrets) },
  };
}

export function runMetadataOf(result: TestResult): RunMetadata | undefined {
  return jsonAttachment<RunMetadata>(result, RUN_METADATA_ATTACHMENT);
}

/**
 * A cell test that ended without a `cell-result` (it crashed, timed out, was interrupted, or a bug): INFRA_ERROR
 * or TIMEOUT with the error text. Its dimensions come from the id and its expectation from the rules,
 * since the plan's matrix overrides are not known here.
 */
export function crashedCell(id: string, result: TestResult): CellResult | undefined {
  const dimensions = parseCellId(id);
  if (!dimensions) return undefined;
  const cell = makeCell(dimensions);
  const expected = expectationFor(cell);
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
    expected: {
      ...expected,
      statement: `${expected.statement} (expectation recomputed from the rules: the cell reported no result)`,
    },
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

/** The test's errors as plain text (no ANSI colours), secrets redacted. */
export function errorText(result: TestResult): string[] {
  const texts = result.errors.length > 0 ? result.errors : result.error ? [result.error] : [];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
  const ansi = /\u001b\[[0-9;]*m/g;
  return texts.map((error) => redactSecrets((error.message ?? error.value ?? 'unknown error').replace(ansi, '')));
}
