import { SEED_INSTALL_OUTPUT_LINES, type SeedInstall, seedInstallSchema } from './results-schema.ts';

/**
 * The seed's literal install (`yum install -y aws-cli`) runs in a seed-replay cell as a step of its own,
 * framed by these lines in the task's output (infra/task-definition writes them): the command as it ran,
 * then its exit status. Whatever the package manager printed between them is its output.
 */
export const SEED_INSTALL_MARK = 'seed-install: ';
export const SEED_INSTALL_EXIT_MARK = 'seed-install-exit: ';

const LINE_CHARS = 1_000;

/**
 * What the seed's own install did, from the task's log lines; undefined when the task never started it
 * (not a seed-replay cell, or it never ran). No exit line: the container stopped inside the command.
 */
export function seedInstallOf(logLines: readonly string[]): SeedInstall | undefined {
  const start = logLines.findIndex((line) => line.startsWith(SEED_INSTALL_MARK));
  if (start < 0) return undefined;
  const rest = logLines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith(SEED_INSTALL_EXIT_MARK));
  const output = (end < 0 ? rest : rest.slice(0, end)).filter((line) => line.trim() !== '');
  const exit = end < 0 ? undefined : Number((rest[end] as string).slice(SEED_INSTALL_EXIT_MARK.length).trim());
  const parsed = seedInstallSchema.safeParse({
    command: (logLines[start] as string).slice(SEED_INSTALL_MARK.length).trim().slice(0, LINE_CHARS),
    ...(exit !== undefined && Number.isInteger(exit) ? { exitCode: exit } : {}),
    output: output.slice(-SEED_INSTALL_OUTPUT_LINES).map((line) => line.slice(0, LINE_CHARS)),
  });
  return parsed.success ? parsed.data : undefined;
}

/**
 * One line for a reader: the command, how it ended and its last lines (in the lab: dnf's refusal and the
 * line saying the name's resolution on AL2023 is not established).
 */
export function seedInstallSummary(seed: SeedInstall): string {
  const ended =
    seed.exitCode === undefined ? 'did not finish (the container stopped inside it)' : `exit ${seed.exitCode}`;
  const said = seed.output.slice(-3).join(' | ');
  return `\`${seed.command}\`: ${ended}${said ? ` — ${said}` : ''}`;
}
