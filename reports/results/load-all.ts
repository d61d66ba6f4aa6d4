import { BadInputError, type InputProblem } from '../../core/errors.ts';
import type { RunResults } from '../../core/results/results-schema.ts';
import { loadResults } from './load-results.ts';

/** Loads several results files; every bad file is reported, not only the first. */
export async function loadAllResults(files: readonly string[]): Promise<RunResults[]> {
  const settled = await Promise.allSettled(files.map((file) => loadResults(file)));
  const problems: InputProblem[] = settled.flatMap((outcome) => {
    if (outcome.status === 'fulfilled') return [];
    if (outcome.reason instanceof BadInputError) return [...outcome.reason.problems];
    throw outcome.reason;
  });
  if (problems.length > 0) throw new BadInputError(problems);
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<RunResults>).value);
}
