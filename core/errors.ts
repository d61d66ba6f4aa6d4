/** Exit codes every command shares (README "Exit codes"). */
export const EXIT = { ok: 0, deviations: 1, badInput: 2, infrastructure: 3 } as const;

/** One problem in a user's input: which file, where in it, what is wrong and what would be accepted. */
export interface InputProblem {
  file: string;
  /** JSON-path-like location, e.g. `cells[3].network`; empty for the whole file. */
  path: string;
  message: string;
}

/** Bad input or usage: nothing was created; exit 2. */
export class BadInputError extends Error {
  readonly exitCode = EXIT.badInput;
  readonly problems: readonly InputProblem[];
  constructor(problems: readonly InputProblem[]) {
    super(problems.map(formatProblem).join('\n'));
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

export function formatProblem(problem: InputProblem): string {
  const where = problem.path ? `${problem.file}: ${problem.path}` : problem.file;
  return `${where}: ${problem.message}`;
}
