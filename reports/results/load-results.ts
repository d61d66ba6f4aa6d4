import { readInputFile } from '../../core/input/read-input-file.ts';
import { RESULTS_LIMITS, type RunResults } from '../../core/results/results-schema.ts';
import { redactResults } from '../redact/redact-results.ts';
import { parseResults } from './results-validation.ts';

/**
 * Reads one results.json: a regular file within the size limit, validated by the results schema, and
 * redacted again (a file written by an older version, or by hand, may hold a secret). Every reader of
 * results.json (report, diff, the reporter's history, run's summary) comes through here.
 */
export async function loadResults(file: string): Promise<RunResults> {
  const text = await readInputFile(file, { kind: 'results file', maxBytes: RESULTS_LIMITS.maxBytes });
  return redactResults(parseResults(text, file));
}
