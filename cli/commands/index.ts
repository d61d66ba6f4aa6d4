import type { Command } from 'commander';

interface CommandEntry {
  /** The one-line summary `ecs-taskrole --help` lists. */
  summary: string;
  /** Its registration; `argv` tells it whether its help is asked for (run names every backend's defaults then). */
  load: () => Promise<(program: Command, argv: readonly string[]) => void | Promise<void>>;
}

/**
 * Every subcommand: its summary, and its module, loaded only when that command runs — so `--help`, `plan`,
 * `report` and `diff` never load the AWS SDK, Playwright or testcontainers. One entry per command file.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  run: {
    summary: 'provision, run the known-good task in every cell, classify, tear down, write the report',
    load: async () => (await import('./run.ts')).registerRun,
  },
  plan: {
    summary: 'list the cells of a matrix, their expected outcomes and the instance groups (creates nothing)',
    load: async () => (await import('./plan.ts')).registerPlan,
  },
  report: {
    summary: 'render report.html, junit.xml and summary.md from results files',
    load: async () => (await import('./report.ts')).registerReport,
  },
  diff: {
    summary: 'compare two results files; exit 1 on a regression (the upgrade gate)',
    load: async () => (await import('./diff.ts')).registerDiff,
  },
  sweep: {
    summary: 'delete what runs left behind (carrying the harness tags)',
    load: async () => (await import('./sweep.ts')).registerSweep,
  },
  lab: {
    summary: 'the embedded backend: up, status, down',
    load: async () => (await import('./lab.ts')).registerLab,
  },
  policy: {
    summary: "print the IAM policy the harness needs, or its roles' permissions boundary, as JSON",
    load: async () => (await import('./policy.ts')).registerPolicy,
  },
};

/**
 * Registers the command `argv` names (`help NAME` included); without one, every command's summary, for
 * the top-level help and commander's "unknown command … did you mean".
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const positionals = argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const name = positionals[0] === 'help' ? positionals[1] : positionals[0];
  const entry = name !== undefined ? COMMANDS[name] : undefined;
  if (entry) {
    await (await entry.load())(program, argv);
    return;
  }
  for (const [command, { summary }] of Object.entries(COMMANDS)) program.command(command).description(summary);
}
