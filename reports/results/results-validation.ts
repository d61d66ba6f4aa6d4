import { BadInputError, type InputProblem } from '../../core/errors.ts';
import { formatPath } from '../../core/matrix/format-path.ts';
import { RESULTS_SCHEMA_VERSION, type RunResults, runResultsSchema } from '../../core/results/results-schema.ts';
import { quoteForMessage } from '../../core/text/safe-text.ts';

/**
 * Parses and validates results.json text with the one results schema (core/results/results-schema.ts).
 * The schema version is checked first so a file from another version of the tool gets one clear line
 * instead of a page of field errors. Throws BadInputError (its message lists the first 20 problems).
 */
export function parseResults(text: string, file: string): RunResults {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BadInputError([
      { file, path: '', message: `not JSON: ${quoteForMessage((error as Error).message, 200)}` },
    ]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BadInputError([
      { file, path: '', message: 'expected a results.json object ({ schemaVersion, run, cells })' },
    ]);
  }
  const version = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (version !== RESULTS_SCHEMA_VERSION) {
    const found = version === undefined ? 'no schemaVersion' : `schemaVersion ${describeValue(version)}`;
    throw new BadInputError([
      {
        file,
        path: 'schemaVersion',
        message: `${found}; this ecs-taskrole reads results schema version ${RESULTS_SCHEMA_VERSION} (is it a results.json written by ecs-taskrole?)`,
      },
    ]);
  }
  const parsed = runResultsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems: InputProblem[] = parsed.error.issues.map((issue) => ({
    file,
    path: formatPath(issue.path),
    message: issue.message,
  }));
  throw new BadInputError(problems);
}

/** A value as it would be written in JSON, cut short (a 20 MB string is shown as its first characters). */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${quoteForMessage(value, 40)}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}
