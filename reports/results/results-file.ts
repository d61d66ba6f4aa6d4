/**
 * `results.json`: the run's one result file (core/results/results-schema.ts). The reporter writes it
 * (atomically, as cells end); every reader — report, diff, the reporter's history, run's summary, the next
 * run's order — comes through `loadResults`.
 */
import { join } from 'node:path';
import { readInputFile } from '../../core/input/read-input-file.ts';
import { RESULTS_LIMITS, type RunResults } from '../../core/results/results-schema.ts';
import { writeFileAtomic } from '../../infra/files/atomic-file.ts';
import { redactResults } from '../redact/redact-results.ts';
import { parseResults } from './results-validation.ts';

export const RESULTS_FILE = 'results.json';

export function resultsFile(outDir: string): string {
  return join(outDir, RESULTS_FILE);
}

/** results.json as written to disk (stable, human-diffable). */
function serializeResults(results: RunResults): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/** Readers (and a run killed mid-write) see the old file or the new one, never half of one. */
export function writeResultsFile(outDir: string, results: RunResults): void {
  writeFileAtomic(resultsFile(outDir), serializeResults(results));
}

/**
 * Reads one results.json: a regular file within the size limit, validated by the results schema, and
 * redacted again (a file written by an older version, or by hand, may hold a secret).
 */
export async function loadResults(file: string): Promise<RunResults> {
  const text = await readInputFile(file, { kind: 'results file', maxBytes: RESULTS_LIMITS.maxBytes });
  return redactResults(parseResults(text, file));
}
