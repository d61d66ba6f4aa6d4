/**
 * The whole run in the `ecs-taskrole run` process: the lifecycle's steps (run/lifecycle.ts) around the
 * cells' runner, each timed into `--out/run-timings.json`.
 */
import { BadInputError, InfrastructureError } from '../../core/errors.ts';
import type { RunPlan } from '../../core/plan/plan-file.ts';
import type { RunConfig } from '../../core/run-config.ts';
import { ProvisioningInterrupted, type TeardownReport } from '../../infra/aws/driver-types.ts';
import type { OpenedBackend } from '../../infra/backends/index.ts';
import { backendProfile } from '../backends.ts';
import { readJournal } from '../files/journal-file.ts';
import { clearRunState } from '../files/run-state-file.ts';
import { type RunTimings, writeTimings } from '../files/timings-file.ts';
import { keepRecordedBackend, type Log, openRunBackend, provision, tearDown } from '../lifecycle.ts';
import type { Interruptions } from './interruptions.ts';

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
    const runId = readJournal(config)?.runId ?? '<run id>';
    log(
      `--keep: resources left in place; remove them with: npx ecs-taskrole sweep --backend ${config.backend} --run ${runId}`,
    );
    // A kept lab stays up with them, until `lab down` (its state lives only in its memory); LocalStack lives
    // in this process and cannot.
    const profile = await backendProfile(config.backend, config.labAgent);
    if (profile.keepRecorded) {
      await keepRecordedBackend(config);
      log('--keep: the lab stays up with them until `npx ecs-taskrole lab down`');
    }
    if (profile.livesInRunProcess) await backend?.close();
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
  writeTimings(config, timings);
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

/** Times one step into `timings` (also when it throws). */
async function timed<T>(timings: RunTimings, step: keyof RunTimings, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await action();
  } finally {
    timings[step] = Math.round(performance.now() - started);
  }
}
