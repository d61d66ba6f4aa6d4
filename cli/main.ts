import { Command, CommanderError } from 'commander';
import { BadInputError, EXIT, InfrastructureError } from '../core/errors.ts';
import { registerCommands } from './commands/index.ts';

/** Builds the program; exported so tests can drive it in-process. */
export function buildProgram(): Command {
  const program = new Command('ecs-taskrole')
    .description('Conformance suite for Amazon ECS IAM task roles: task-role credentials or Access Denied?')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code (0 ok, 1 deviations, 2 bad input/usage, 3 infrastructure). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version arrive here too, with exit code 0; commander has already printed.
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof BadInputError) {
    process.stderr.write(`error: bad input (nothing was created)\n${error.message}\n`);
    return EXIT.badInput;
  }
  if (error instanceof InfrastructureError) {
    process.stderr.write(`error: infrastructure failure: ${error.message}\n`);
    return EXIT.infrastructure;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`error: unexpected failure (a bug or an infrastructure problem):\n${text}\n`);
  return EXIT.infrastructure;
}
