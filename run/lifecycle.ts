/**
 * The run's lifecycle, owned in one place: open the backend, provision (journaled), run the cells, tear
 * down from the journal, close the backend. `ecs-taskrole run` drives all of it in its own process, so
 * an interruption at any instant still reaches the teardown; `npx playwright test` alone uses the same
 * steps from its setup and teardown projects (suites/).
 */
import { BadInputError, InfrastructureError } from '../core/errors.ts';
import type { RunPlan } from '../core/plan/plan-file.ts';
import type { RunConfig } from '../core/run-config.ts';
import { awsDriver } from '../infra/aws/driver.ts';
import { ProvisioningInterrupted, type TeardownReport } from '../infra/aws/driver-types.ts';
import { RunJournal } from '../infra/aws/journal.ts';
import { backendRecordSchema, type OpenedBackend } from '../infra/backends/index.ts';
import { readJsonFileIfExists, writeJsonFile } from '../infra/files/json-file.ts';
import { backendProfile } from './backends.ts';
import type { Interruptions } from './interruptions.ts';
import { runFile } from './run-config.ts';
import { clearRunState, writeRunState } from './run-state.ts';
import { type RunTimings, timed } from './timings.ts';

export type Log = (line: string) => void;

/**
 * Opens the backend and records it in `--out/backend.json` for the run's other processes. `holderPid`: the
 * process that lasts as long as the run (its lease on a shared lab).
 */
export async function openRunBackend(
  config: RunConfig,
  plan: RunPlan,
  log: Log,
  holderPid = process.pid,
): Promise<OpenedBackend> {
  const backend = await backendProfile(config.backend).open({
    region: plan.region,
    outDir: config.outDir,
    log,
    holderPid,
    ...(plan.proxyUrl ? { proxyUrl: plan.proxyUrl } : {}),
  });
  writeJsonFile(runFile(config, 'backend'), backend.record);
  return backend;
}

/** Provisions what the plan needs; every create is in `--out/run-journal.json` before it is sent. */
export async function provision(
  config: RunConfig,
  plan: RunPlan,
  backend: OpenedBackend,
  signal: AbortSignal,
  log: Log,
): Promise<void> {
  log(`${plan.cells.length} cells, ${plan.instanceGroups.length} instances on ${config.backend}`);
  await awsDriver.provision(plan, {
    config,
    connection: backend.connection,
    journalFile: runFile(config, 'journal'),
    backend: backend.record,
    signal,
    log,
    publish: (progress) => writeRunState(config, { runId: progress.metadata.runId, ...progress }),
  });
}

/**
 * Deletes everything the journal lists, then the run's tag (the safety net). Safe to repeat: a finished
 * teardown leaves nothing pending, and a resource already gone counts as deleted.
 */
export async function tearDown(config: RunConfig, log: Log): Promise<TeardownReport | undefined> {
  const journal = RunJournal.read(runFile(config, 'journal'));
  if (!journal) return undefined;
  // Failed before its first create (no credentials, say): no tag to sweep, no call that could fail again.
  if (!journal.recordedAnything()) {
    log(`run ${journal.runId}: nothing was created, nothing to delete`);
    return { runId: journal.runId, deleted: [], leftovers: [], nothingCreated: true };
  }
  return awsDriver.teardown(journal, backendProfile(journal.backend.backend).connect(journal.backend), log);
}

/** The backend recorded in `--out/backend.json`, closed from any process (a lab this run started stops). */
export async function closeRecordedBackend(config: RunConfig): Promise<void> {
  const record = readJsonFileIfExists(runFile(config, 'backend'), backendRecordSchema);
  if (record) await backendProfile(record.backend).closeRecorded(record);
}

export interface RunOutcome {
  interrupted?: string;
  /** Playwright's exit code, when the cells ran. */
  cellsExitCode?: number;
  teardown?: TeardownReport;
  /** What failed (an infrastructure error), after the teardown ran. Not set when the run was interrupted. */
  failure?: unknown;
}

/** The cells' runner (Playwright), started by `executeRun`. */
export interface CellsRun {
  /** Its exit code. */
  exited: Promise<number>;
  /** Asks it to stop (provisioning failed: the cells waiting for the run state never get it). */
  stop(): void;
}

/**
 * The whole run in this process. `startCells` starts the cells (Playwright) at once: its start-up overlaps
 * opening the backend and provisioning, and each cell waits until run-state.json lets its group start.
 * Whatever happens — a failure, a signal at any step — the cells are stopped, the teardown runs and the
 * backend is closed before this returns (unless `--keep`); a failure is returned with what the teardown did.
 */
export async function executeRun(
  config: RunConfig,
  plan: RunPlan,
  interruptions: Interruptions,
  startCells: () => CellsRun,
  log: Log,
): Promise<RunOutcome> {
  const outcome: RunOutcome = {};
  const timings: RunTimings = {};
  let backend: OpenedBackend | undefined;
  let failure: unknown;
  let step = 'opening the backend';
  if (interruptions.signal.aborted) return { interrupted: interruptions.received() ?? 'SIGINT' };
  clearRunState(config);
  const cellsStarted = performance.now();
  const cells = startCells();
  try {
    const opened = await timed(timings, 'openMs', () => openRunBackend(config, plan, log));
    backend = opened;
    step = 'provisioning';
    if (!interruptions.signal.aborted) {
      await timed(timings, 'provisionMs', () => provision(config, plan, opened, interruptions.signal, log));
    }
  } catch (error) {
    if (!(error instanceof ProvisioningInterrupted)) failure = asInfrastructureError(step, error);
  }
  // Interrupted, the cells stop by themselves: the run passed its first interruption on to Playwright
  // (in its own process group, it gets no signal of the terminal's).
  if (failure) cells.stop();
  const cellsExitCode = await cells.exited;
  timings.cellsMs = Math.round(performance.now() - cellsStarted);
  if (!failure) outcome.cellsExitCode = cellsExitCode;
  if (config.keep) {
    const runId = RunJournal.read(runFile(config, 'journal'))?.runId ?? '<run id>';
    log(
      `--keep: resources left in place; remove them with: npx ecs-taskrole sweep --backend ${config.backend} --run ${runId}`,
    );
    // A kept lab stays up with them; LocalStack lives in this process and cannot.
    if (backendProfile(config.backend).livesInRunProcess) await backend?.close();
  } else {
    try {
      outcome.teardown = await timed(timings, 'teardownMs', () => tearDown(config, log));
    } catch (error) {
      failure ??= asInfrastructureError('tearing down', error);
    }
    try {
      await timed(timings, 'closeMs', async () => backend?.close());
    } catch (error) {
      failure ??= asInfrastructureError('closing the backend', error);
    }
  }
  writeJsonFile(runFile(config, 'timings'), timings);
  const interrupted = interruptions.received();
  if (interrupted) outcome.interrupted = interrupted;
  if (failure && !interrupted) outcome.failure = failure;
  return outcome;
}

/** A failure of an AWS call or of the lab is an infrastructure failure (exit 3), named by its step. */
function asInfrastructureError(step: string, error: unknown): unknown {
  if (error instanceof BadInputError || error instanceof InfrastructureError) return error;
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  const message = error instanceof Error ? error.message : String(error);
  return new InfrastructureError(`${step} failed: ${name}${message}`, { cause: error });
}
