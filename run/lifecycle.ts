/**
 * The steps of a run's lifecycle: open the backend, provision (journaled), tear down from the journal,
 * close the backend. `ecs-taskrole run` drives them in its own process (run/cli/execute-run.ts), so an
 * interruption at any instant still reaches the teardown; `npx playwright test` alone uses the same steps
 * from its setup and teardown projects (suites/).
 */
import type { RunPlan } from '../core/plan/plan-file.ts';
import type { RunConfig } from '../core/run-config.ts';
import { awsDriver } from '../infra/aws/driver.ts';
import type { TeardownReport } from '../infra/aws/driver-types.ts';
import type { OpenedBackend } from '../infra/backends/index.ts';
import { backendProfile } from './backends.ts';
import { readBackendFile, recordedBackend, writeBackendFile } from './files/backend-file.ts';
import { journalFile, readJournal } from './files/journal-file.ts';
import { writeRunState } from './files/run-state-file.ts';

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
  const backend = await (await backendProfile(config.backend)).open({
    region: plan.region,
    outDir: config.outDir,
    log,
    holderPid,
    ...(config.labAgent ? { labAgent: config.labAgent } : {}),
    ...(plan.proxyUrl ? { proxyUrl: plan.proxyUrl } : {}),
  });
  writeBackendFile(config, backend.record);
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
  const profile = await backendProfile(config.backend, config.labAgent);
  await awsDriver.provision(plan, {
    config,
    connection: backend.connection,
    registrationLimitMs: profile.registrationLimitMs(),
    journalFile: journalFile(config),
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
  const journal = readJournal(config);
  if (!journal) return undefined;
  // Failed before its first create (no credentials, say): no tag to sweep, no call that could fail again.
  if (!journal.recordedAnything()) {
    log(`run ${journal.runId}: nothing was created, nothing to delete`);
    return { runId: journal.runId, deleted: [], leftovers: [], nothingCreated: true };
  }
  const record = recordedBackend(config);
  const profile = await backendProfile(record.backend);
  return awsDriver.teardown(journal, profile.connect(record), log);
}

/** The backend recorded in `--out/backend.json`, closed from any process (a lab this run started stops). */
/** `--keep`: the backend the run recorded stays up past the run, with its resources (a lab: until `lab down`). */
export async function keepRecordedBackend(config: RunConfig): Promise<void> {
  const record = readBackendFile(config);
  if (!record) return;
  await (await backendProfile(record.backend, config.labAgent)).keepRecorded?.(record);
}

export async function closeRecordedBackend(config: RunConfig): Promise<void> {
  const record = readBackendFile(config);
  if (record) await (await backendProfile(record.backend)).closeRecorded(record);
}
