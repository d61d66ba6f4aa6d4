/** What `run` prints at its start and end: the estimate, the teardown, the summary (or `--json`), the exit code. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEstimate } from '../../core/caps.ts';
import { BadInputError, EXIT, InfrastructureError } from '../../core/errors.ts';
import { runExitCode } from '../../core/exit-code.ts';
import type { RunPlan } from '../../core/plan/plan-file.ts';
import type { RunResults } from '../../core/results/results-schema.ts';
import type { RunConfig } from '../../core/run-config.ts';
import { capText, jsonForTerminal } from '../../core/text/safe-text.ts';
import { githubAnnotations } from '../../reports/markdown/github-actions.ts';
import { loadResults, resultsFile } from '../../reports/results/results-file.ts';
import { REPORT_FILES } from '../../reports/write-reports.ts';
import type { RunOutcome } from '../../run/cli/execute-run.ts';
import { formatRunSummary, type RunSummaryDocument, runSummaryDocument } from '../../run/cli/summary.ts';
import { readJournal } from '../../run/files/journal-file.ts';

/** What a shell reports for a process ended by Ctrl-C; `run` exits with it after its teardown. */
const EXIT_INTERRUPTED = 130;
/** As cli/main.ts caps what it prints: a message can carry a hostile file's content. */
const MAX_ERROR_MESSAGE_CHARS = 4_000;

/** What the run will cost, before anything is created (on AWS: EC2 instance-hours). */
export function estimateLine(estimate: RunEstimate): string {
  return (
    `plan: ${estimate.cells} cells on ${estimate.instances} instance(s) (${estimate.instanceType}); ` +
    `about ${estimate.estimatedInstanceHours} instance-hours, at most ${estimate.maxInstanceHours} (every instance stops at the run's expiry)`
  );
}

/** Progress, the summary and Playwright's own lines: stdout, or stderr when stdout carries `--json`. */
export function progressStream(options: { json?: boolean }): NodeJS.WriteStream {
  return options.json ? process.stderr : process.stdout;
}

export async function report(
  config: RunConfig,
  plan: RunPlan,
  outcome: RunOutcome,
  options: { json?: boolean },
): Promise<number> {
  const { exitCode, results } = await reportText(config, plan, outcome, options);
  if (options.json) {
    const document = runSummaryDocument(results, {
      exitCode,
      ...(outcome.interrupted ? { interrupted: outcome.interrupted } : {}),
      files: filesOf(config),
      ...(outcome.teardown ? { teardown: outcome.teardown } : {}),
    });
    printRunDocument(document);
  }
  return exitCode;
}

/** How far a run got, for the document a failure prints: its config once valid, its outcome once it ran. */
export interface RunProgress {
  config?: RunConfig;
  /** The journal in --out is this run's (an earlier run's was set aside). */
  started?: boolean;
  outcome?: RunOutcome;
}

/** `run --json` when the run failed (bad input, an infrastructure failure): the error, the teardown if it ran. */
export function failureDocument(error: unknown, progress: RunProgress): RunSummaryDocument {
  const { config, outcome } = progress;
  const journal = config && progress.started ? readJournal(config) : undefined;
  const teardown = outcome?.teardown;
  return runSummaryDocument(undefined, {
    exitCode: exitCodeOf(error),
    error: errorOf(error),
    ...(journal ? { runId: journal.runId } : {}),
    // Only files the run wrote: a results.json there may be an earlier run's.
    ...(config && outcome && existsSync(resultsFile(config.outDir)) ? { files: filesOf(config) } : {}),
    ...(teardown ? { teardown } : {}),
  });
}

/** Interrupted before the backend opened (during apt or moto's set-up): nothing was created, exit 130. */
export function interruptedBeforeStart(cause: string, options: { json?: boolean }): number {
  progressStream(options).write(`[run] interrupted (${cause}) before anything was created: nothing to tear down\n`);
  if (options.json) {
    printRunDocument(runSummaryDocument(undefined, { exitCode: EXIT_INTERRUPTED, interrupted: cause }));
  }
  return EXIT_INTERRUPTED;
}

/** stdout is the document alone; text from results or errors is escaped for the terminal. */
export function printRunDocument(document: RunSummaryDocument): void {
  process.stdout.write(`${jsonForTerminal(JSON.stringify(document, null, 2))}\n`);
}

function filesOf(config: RunConfig): RunSummaryDocument['files'] {
  return { results: resultsFile(config.outDir), report: join(config.outDir, REPORT_FILES.html) };
}

/** The exit code cli/main.ts gives the error (2 bad input, else 3). */
function exitCodeOf(error: unknown): number {
  return error instanceof BadInputError ? EXIT.badInput : EXIT.infrastructure;
}

function errorOf(error: unknown): NonNullable<RunSummaryDocument['error']> {
  const kind =
    error instanceof BadInputError
      ? 'bad-input'
      : error instanceof InfrastructureError
        ? 'infrastructure'
        : 'unexpected';
  const message = error instanceof Error ? error.message : String(error);
  return { kind, message: capText(message, MAX_ERROR_MESSAGE_CHARS) };
}

/** The teardown, the summary and the annotations as text; the exit code, with the results it was read from. */
async function reportText(
  config: RunConfig,
  plan: RunPlan,
  outcome: RunOutcome,
  options: { json?: boolean },
): Promise<{ exitCode: number; results?: RunResults }> {
  const out = progressStream(options);
  const { teardown } = outcome;
  if (teardown?.nothingCreated) {
    out.write(`teardown: run ${teardown.runId} created nothing, nothing to delete\n`);
  } else if (teardown) {
    const deleted = `deleted ${teardown.deleted.length} resource(s) of run ${teardown.runId}`;
    out.write(`teardown: ${deleted}${teardown.leftovers.length > 0 ? '' : ', nothing left'}\n`);
    for (const leftover of teardown.leftovers) process.stderr.write(`teardown: could not delete ${leftover}\n`);
    if (teardown.leftovers.length > 0) {
      process.stderr.write(
        `finish it with: npx ecs-taskrole sweep --backend ${config.backend} --run ${teardown.runId}\n`,
      );
    }
  }
  if (outcome.failure) throw outcome.failure;
  const file = resultsFile(config.outDir);
  const results = existsSync(file) ? await loadResults(file) : undefined;
  if (results) out.write(formatRunSummary(results, join(config.outDir, REPORT_FILES.html)));
  // In GitHub Actions, what broke also becomes annotations on the job.
  if (results && process.env.GITHUB_ACTIONS === 'true') {
    for (const line of githubAnnotations(results)) out.write(`${line}\n`);
  }
  if (outcome.interrupted) {
    process.stderr.write(`interrupted by ${outcome.interrupted}; teardown ${teardown ? 'done' : 'not needed'}\n`);
    return { exitCode: EXIT_INTERRUPTED, ...(results ? { results } : {}) };
  }
  if (!results) {
    process.stderr.write(`error: the run produced no results (Playwright exit ${outcome.cellsExitCode})\n`);
    return { exitCode: EXIT.infrastructure };
  }
  if (teardown && teardown.leftovers.length > 0) return { exitCode: EXIT.infrastructure, results };
  // Every planned cell (of this shard) must have reported.
  return { exitCode: runExitCode(results.cells, plan.cells.length), results };
}
