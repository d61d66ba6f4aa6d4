import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestError,
  TestResult,
} from '@playwright/test/reporter';
import type { PlannedCell } from '../core/plan/plan.ts';
import { planFileSchema, runPlanOf } from '../core/plan/plan-file.ts';
import {
  type CellResult,
  cellResultSchema,
  RESULTS_SCHEMA_VERSION,
  type RunError,
  type RunMetadata,
  type RunResults,
} from '../core/results/results-schema.ts';
import { DEFAULT_OUT_DIR } from '../core/run-config.ts';
import { readJsonFileIfExists } from '../infra/files/json-file.ts';
import { selectHistory } from './history/select-history.ts';
import { redactValue } from './redact/redact-results.ts';
import { cellIdOf, crashedCell, errorText, reportedCell, runMetadataOf } from './reporter/cell-from-test.ts';
import { defaultMetadata, mergeMetadata } from './reporter/default-metadata.ts';
import { fitCell, fitError } from './reporter/fit-to-schema.ts';
import { loadResults, RESULTS_FILE, writeResultsFile } from './results/results-file.ts';
import { writeRenderedReports } from './write-reports.ts';

export interface ResultsReporterOptions {
  /**
   * Default: $ECS_TASKROLE_OUT, else reports/out/latest (relative to the working directory): `merge-reports`
   * takes no reporter options.
   */
  outputDir?: string;
  /** The run's plan.json, for the expectation of a cell that reported nothing; without it, the rules'. */
  planFile?: string;
  /**
   * The run's run-state.json: until it exists a cell interrupted while it waited never ran (no result).
   * Without it (no run lifecycle: a fixture suite, merge-reports), an interrupted cell is a result.
   */
  runStateFile?: string;
  /** Earlier results.json files, oldest first, for the history strip and flakiness marks. */
  history?: string[];
  /** Least time between two rewrites of results.json while cells finish (default 1 s). */
  writeIntervalMs?: number;
}

/**
 * Playwright reporter: collects each cell's `cell-result` attachment (a crashed cell becomes INFRA_ERROR
 * or TIMEOUT), keeps results.json current while the run goes on (atomic rewrites, at most one per
 * interval, so a killed run leaves a valid file), and renders report.html, junit.xml and summary.md at
 * the end. Works the same on a live run and on `merge-reports` of sharded blob reports.
 * Use: `['./reports/reporter.ts', { outputDir }]`.
 */
export default class ResultsReporter implements Reporter {
  private readonly outputDir: string;
  private readonly planFile: string | undefined;
  private readonly runStateFile: string | undefined;
  private readonly history: string[];
  private readonly writeIntervalMs: number;
  private startedAt = new Date();
  private metadata: RunMetadata | undefined;
  /** Latest attempt per test (retries replace earlier attempts). */
  private readonly cells = new Map<string, CellResult>();
  private readonly errors = new Map<string, RunError>();
  private order = new Map<string, number>();
  /** The run's plan (`planFile`), for the expectation of a cell that reported nothing. */
  private planned = new Map<string, PlannedCell>();
  private lastWrite = 0;
  /** Cells interrupted while they waited for provisioning (they never ran). */
  private stoppedWaiting = 0;
  private pending: NodeJS.Timeout | undefined;

  constructor(options: ResultsReporterOptions = {}) {
    this.outputDir = resolve(options.outputDir ?? process.env.ECS_TASKROLE_OUT ?? DEFAULT_OUT_DIR);
    this.planFile = options.planFile;
    this.runStateFile = options.runStateFile;
    this.history = options.history ?? [];
    this.writeIntervalMs = options.writeIntervalMs ?? 1_000;
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.startedAt = new Date();
    const tests = suite.allTests();
    this.order = new Map(tests.map((test, index) => [test.id, index]));
    this.guard(() => {
      const file = this.planFile ? readJsonFileIfExists(this.planFile, planFileSchema) : undefined;
      if (!file) return;
      const cells = runPlanOf(file).cells;
      this.planned = new Map(cells.map((cell) => [cell.id, cell]));
      // Cells start longest first; results list them in the matrix's order (the plan's).
      const place = new Map(cells.map((cell, index) => [cell.id, index]));
      const rankOf = (test: TestCase) => place.get(cellIdOf(test) ?? '') ?? -1;
      this.order = new Map(
        tests.map((test, index) => [test.id, rankOf(test) >= 0 ? rankOf(test) : cells.length + index]),
      );
    });
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.guard(() => {
      if (this.stoppedBeforeProvisioned(test, result)) {
        this.stoppedWaiting += 1;
        return;
      }
      const metadata = runMetadataOf(result);
      if (metadata) this.metadata = mergeMetadata(this.metadata, redactValue(metadata) as RunMetadata);
      const cell = reportedCell(result) ?? this.unreportedCell(test, result);
      if (cell) {
        // The one redaction pass at write time: every string of the result, whatever the field; then the
        // schema, so a cell-result the reporter cannot vouch for becomes an infrastructure error, not a row.
        const fitted = fitCell(redactValue(cell) as CellResult);
        const checked = cellResultSchema.safeParse(fitted);
        const kept = checked.success ? checked.data : this.invalidCell(test, result, checked.error.issues[0]);
        if (kept) this.cells.set(test.id, kept);
      } else if (result.status === 'failed' || result.status === 'timedOut' || result.status === 'interrupted') {
        // A failing test that is not a cell (setup, teardown): the run's own infrastructure failure.
        const error: RunError = {
          where: test.titlePath().filter(Boolean).join(' › '),
          message: errorText(result).join('\n') || result.status,
        };
        this.errors.set(test.id, fitError(redactValue(error) as RunError));
      } else {
        this.errors.delete(test.id);
      }
      this.scheduleWrite();
    });
  }

  onError(error: TestError): void {
    this.guard(() => {
      const message = error.message ?? error.value ?? 'unknown error';
      this.errors.set(
        `global-${this.errors.size}`,
        fitError(redactValue({ where: 'playwright', message }) as RunError),
      );
      this.scheduleWrite();
    });
  }

  async onEnd(result: FullResult): Promise<void> {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    // `run` stopped the cells because its backend or provisioning failed: no cell ran, there is no result.
    if (this.stoppedWaiting > 0 && this.cells.size === 0 && this.errors.size === 0) return;
    await this.guardAsync(async () => {
      const results = this.results(result);
      writeResultsFile(this.outputDir, results);
      const given = await Promise.all(this.history.map(async (file) => ({ file, results: await loadResults(file) })));
      const { runs, leftOut } = selectHistory([...given, { file: RESULTS_FILE, results }]);
      // This run is the one to report, whatever an earlier file's start time says.
      writeRenderedReports(this.outputDir, results, [...runs.filter((run) => run !== results), results], leftOut);
    });
  }

  /** The results as they stand; with the final result, the run's end time and duration. */
  results(final?: FullResult): RunResults {
    const base = this.metadata ?? defaultMetadata(final?.startTime ?? this.startedAt);
    const run: RunMetadata = { ...base };
    if (final) {
      run.finishedAt ??= new Date(final.startTime.getTime() + final.duration).toISOString();
      run.durationMs ??= final.duration;
    }
    const rank = (testId: string) => this.order.get(testId) ?? Number.MAX_SAFE_INTEGER;
    const sorted = [...this.cells.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([, cell]) => cell);
    // One cell per id (results.json requires it): two tests of one cell (--repeat-each) keep the last.
    const cells = [...new Map(sorted.map((cell) => [cell.id, cell])).values()];
    const errors = [...this.errors.values()];
    return { schemaVersion: RESULTS_SCHEMA_VERSION, run, cells, ...(errors.length > 0 ? { errors } : {}) };
  }

  /** A cell-result that fails the results schema: the cell is INFRA_ERROR, with the field named. */
  private invalidCell(
    test: TestCase,
    result: TestResult,
    issue: { path: PropertyKey[]; message: string } | undefined,
  ): CellResult | undefined {
    const where = issue?.path.map(String).join('.') || '(top level)';
    const message = `the cell's result failed the results schema at ${where}: ${issue?.message ?? 'invalid'}`;
    const id = cellIdOf(test);
    const failed = { ...result, status: 'failed', errors: [{ message }] } as TestResult;
    return id ? crashedCell(id, failed, this.planned.get(id)) : undefined;
  }

  /** Cells start with `run`: one interrupted while it waited for provisioning never ran (not a result). */
  private stoppedBeforeProvisioned(test: TestCase, result: TestResult): boolean {
    return (
      result.status === 'interrupted' && cellIdOf(test) !== undefined && !reportedCell(result) && !this.provisioned()
    );
  }

  private provisioned(): boolean {
    return this.runStateFile === undefined || existsSync(this.runStateFile);
  }

  private unreportedCell(test: TestCase, result: TestResult): CellResult | undefined {
    if (result.status === 'skipped') return undefined;
    const id = cellIdOf(test);
    return id ? crashedCell(id, result, this.planned.get(id)) : undefined;
  }

  private scheduleWrite(): void {
    const wait = this.lastWrite + this.writeIntervalMs - Date.now();
    if (wait <= 0) {
      this.writeNow();
    } else if (!this.pending) {
      this.pending = setTimeout(() => this.guard(() => this.writeNow()), wait);
      this.pending.unref();
    }
  }

  private writeNow(): void {
    this.pending = undefined;
    this.lastWrite = Date.now();
    writeResultsFile(this.outputDir, this.results());
  }

  /** Playwright swallows reporter errors; say what went wrong instead of losing the report silently. */
  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      process.stderr.write(`ecs-taskrole reporter: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }

  private async guardAsync(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      process.stderr.write(`ecs-taskrole reporter: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}
