import type { Command } from 'commander';
import { nounFor } from '../../core/text/plural.ts';

/** What `--help` of a command lists after its options: environment variables, exit codes, examples. */
export interface HelpFooter {
  /** [variable, what it does] pairs; the one every command reads (ECS_TASKROLE_DEBUG) is added. */
  env?: [string, string][];
  /** [code, meaning] pairs, replacing the shared ones when a command means something else by them. */
  exitCodes?: [string, string][];
  /** Command lines, each printed as is. */
  examples: string[];
}

/** The exit codes every command shares (README "CLI"; core/errors.ts EXIT). */
export const EXIT_CODES: [string, string][] = [
  ['0', 'ok / conformant'],
  ['1', 'deviations found (run), the gate failed (diff)'],
  ['2', 'bad input or usage; nothing was created'],
  ['3', 'infrastructure failure'],
];

const COMMON_ENV: [string, string][] = [
  ['ECS_TASKROLE_DEBUG', 'set to print the stack trace of an unexpected failure'],
];

export function helpFooterText(footer: HelpFooter): string {
  const block = (title: string, rows: [string, string][]) => {
    const width = Math.max(...rows.map(([name]) => name.length));
    return `${title}:\n${rows.map(([name, what]) => `  ${name.padEnd(width)}  ${what}`).join('\n')}`;
  };
  const blocks = [
    block('Environment variables', [...(footer.env ?? []), ...COMMON_ENV]),
    block('Exit codes', footer.exitCodes ?? EXIT_CODES),
    `${nounFor(footer.examples.length, 'Example', 'Examples')}:\n${footer.examples.map((line) => `  $ ${line}`).join('\n')}`,
  ];
  return `\n${blocks.join('\n\n')}\n`;
}

/** Adds the footer to `command`'s --help (commander prints it after the options). */
export function withHelpFooter(command: Command, footer: HelpFooter): Command {
  return command.addHelpText('after', helpFooterText(footer));
}
