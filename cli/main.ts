import { Command, CommanderError } from 'commander';
import { BadInputError, EXIT, InfrastructureError } from '../core/errors.ts';
import { capText, escapeControls } from '../core/text/safe-text.ts';
import { packageVersion } from '../infra/files/package-version.ts';
import { registerCommands } from './commands/index.ts';

/** Longest error message printed: a message can carry a hostile file's content. */
const MAX_ERROR_CHARS = 4_000;
/** Set to print the stack of an unexpected failure (a bug report needs it; a user's terminal does not). */
export const DEBUG_ENV = 'ECS_TASKROLE_DEBUG';

/** Builds the program for `argv` (only the command it names is loaded); exported so tests can drive it in-process. */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('ecs-taskrole')
    .description('Conformance suite for Amazon ECS IAM task roles: task-role credentials or Access Denied?')
    .version(packageVersion(), '-V, --version', 'print the version')
    // Before the commands are registered, so they inherit it: usage errors echo the user's arguments.
    .configureOutput({ outputError: (text, write) => write(safe(text)) })
    // A usage error is one line and a hint, not the whole help; a close option or command name is suggested.
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

/** Runs the CLI and returns the exit code (0 ok, 1 deviations, 2 bad input/usage, 3 infrastructure). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return reportError(error);
  }
}

/** One capped message per failure, never a stack trace unless ECS_TASKROLE_DEBUG is set. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version arrive here too, with exit code 0; commander has already printed.
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof BadInputError) {
    process.stderr.write(`error: bad input (nothing was created)\n${error.message}\n`);
    return EXIT.badInput;
  }
  if (error instanceof InfrastructureError) {
    process.stderr.write(`error: infrastructure failure: ${safe(error.message)}\n`);
    return EXIT.infrastructure;
  }
  const debug = !!process.env[DEBUG_ENV];
  const text = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  const hint = debug ? '' : `\n(set ${DEBUG_ENV}=1 for the stack trace)`;
  process.stderr.write(`error: unexpected failure (a bug or an infrastructure problem): ${safe(text)}${hint}\n`);
  return EXIT.infrastructure;
}

function safe(text: string): string {
  return escapeControls(capText(text, MAX_ERROR_CHARS));
}
