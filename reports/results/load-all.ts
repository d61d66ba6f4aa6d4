import { BadInputError, type InputProblem } from '../../core/errors.ts';
import type { RunResults } from '../../core/results/results-schema.ts';
import { loadResults } from './results-file.ts';

/**
 * Loads several results files; every bad file is reported, not only the first. One at a time, so at
 * most one file's text (up to the 64 MiB limit) is in memory besides the parsed runs.
 */
export async function loadAllResults(files: readonly string[]): Promise<RunResults[]> {
  const runs: RunResults[] = [];
  const problems: InputProblem[] = [];
  for (const file of files) {
    try {
      runs.push(await loadResults(file));
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new BadInputError(problems);
  return runs;
}
