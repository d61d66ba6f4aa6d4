import { readFile } from 'node:fs/promises';
import { BadInputError } from '../../core/errors.ts';
import type { RunResults } from '../../core/results/results-schema.ts';
import { parseResults } from './results-validation.ts';

/** Reads and validates one results.json; a missing or unreadable file is bad input naming the file. */
export async function loadResults(file: string): Promise<RunResults> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : String(error);
    throw new BadInputError([{ file, path: '', message: `cannot read the results file: ${reason}` }]);
  }
  return parseResults(text, file);
}
