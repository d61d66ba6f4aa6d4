import { capText, escapeControls } from './text/safe-text.ts';

/** Exit codes every command shares (README "Exit codes"). */
export const EXIT = { ok: 0, deviations: 1, badInput: 2, infrastructure: 3 } as const;

/** One problem in a user's input: which file, where in it, what is wrong and what would be accepted. */
export interface InputProblem {
  file: string;
  /** JSON-path-like location, e.g. `cells[3].network`; empty for the whole file. */
  path: string;
  message: string;
}

/** How many problems a message lists before "… and N more problems" (a broken file can have thousands). */
export const MAX_PROBLEM_LINES = 20;
/** Longest file name, path and message shown: a hostile file can put megabytes into any of them. */
const MAX_FILE_CHARS = 300;
const MAX_PATH_CHARS = 200;
const MAX_MESSAGE_CHARS = 500;

/** Bad input or usage: nothing was created; exit 2. The message lists at most MAX_PROBLEM_LINES problems. */
export class BadInputError extends Error {
  readonly exitCode = EXIT.badInput;
  readonly problems: readonly InputProblem[];
  constructor(problems: readonly InputProblem[]) {
    super(formatProblems(problems));
    this.name = 'BadInputError';
    this.problems = problems;
  }
}

/** The harness or its backend failed (not a verdict about the configuration); exit 3. */
export class InfrastructureError extends Error {
  readonly exitCode = EXIT.infrastructure;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfrastructureError';
  }
}

/** One line per problem: every part capped and its control characters escaped. */
export function formatProblem(problem: InputProblem): string {
  const safe = (text: string, max: number) => escapeControls(capText(text, max), { oneLine: true });
  const file = safe(problem.file, MAX_FILE_CHARS);
  const where = problem.path ? `${file}: ${safe(problem.path, MAX_PATH_CHARS)}` : file;
  return `${where}: ${safe(problem.message, MAX_MESSAGE_CHARS)}`;
}

export function formatProblems(problems: readonly InputProblem[]): string {
  const lines = problems.slice(0, MAX_PROBLEM_LINES).map(formatProblem);
  const more = problems.length - MAX_PROBLEM_LINES;
  if (more > 0) lines.push(`… and ${more} more problems`);
  return lines.join('\n');
}
