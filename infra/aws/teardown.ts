/**
 * Teardown from the run journal: every resource the journal says may exist, in dependency order, each
 * deletion marked as it succeeds; the run's task definitions, deregistered by their cells, are deleted
 * (delete-task-definitions.ts); then everything else of the run found by its tag and its names (an instance
 * whose launch was cut off before it answered, found by the run's instance profile); what carries the tag
 * without being the run's is reported and left untouched. Idempotent: a resource
 * already gone counts as deleted, so a second run (a second Ctrl-C, `sweep --run ID`) finishes the job.
 */

import type { AwsClients } from './clients.ts';
import { deleteCluster, deleteInstanceProfile, deleteLogGroup, deleteRole, terminateInstances } from './delete.ts';
import { deleteRunTaskDefinitions } from './delete-task-definitions.ts';
import type { JournalEntry, RunJournal } from './journal.ts';
import type { JournaledKind } from './resource-kinds.ts';
import { sweepReport } from './sweep.ts';

export interface TeardownOutcome {
  deleted: string[];
  leftovers: string[];
  /** Tagged with the run but not the run's (no instance profile of it, another name): left untouched. */
  notOurs: string[];
}

export async function teardownFromJournal(clients: AwsClients, journal: RunJournal): Promise<TeardownOutcome> {
  const outcome: TeardownOutcome = { deleted: [], leftovers: [], notOurs: [] };
  const pending = journal.pending();
  const instances = pending.filter((entry) => entry.kind === 'instance');
  const withIds = instances.filter((entry) => entry.id);
  await terminateJournaledInstances(clients, journal, withIds, outcome);
  await deleteJournaledResources(clients, journal, pending, outcome);
  await deleteTaskDefinitionsOfRun(clients, journal, outcome);
  await sweepTaggedLeftovers(clients, journal, instances, withIds, outcome);
  return outcome;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs one deletion: on success marks it done and counts it deleted, on failure lists it as a leftover. */
async function attempt(
  outcome: TeardownOutcome,
  what: string,
  action: () => Promise<void>,
  done: () => void,
): Promise<void> {
  try {
    await action();
    done();
    outcome.deleted.push(what);
  } catch (error) {
    outcome.leftovers.push(`${what} (${errorText(error)})`);
  }
}

/** One TerminateInstances for all; an instance without an id (its launch never answered) is found by tag later. */
async function terminateJournaledInstances(
  clients: AwsClients,
  journal: RunJournal,
  withIds: JournalEntry[],
  outcome: TeardownOutcome,
): Promise<void> {
  if (withIds.length === 0) return;
  await attempt(
    outcome,
    `${withIds.length} instance(s)`,
    () =>
      terminateInstances(
        clients,
        withIds.map((entry) => entry.id ?? ''),
      ),
    () => {
      for (const entry of withIds) journal.deleted('instance', entry.name);
    },
  );
}

/** Every journaled kind but instances (terminated together before), in the journal's deletion order. */
async function deleteJournaledResources(
  clients: AwsClients,
  journal: RunJournal,
  pending: JournalEntry[],
  outcome: TeardownOutcome,
): Promise<void> {
  const removers: Record<Exclude<JournaledKind, 'instance'>, (name: string) => Promise<void>> = {
    cluster: (name) => deleteCluster(clients, name),
    'log-group': (name) => deleteLogGroup(clients, name),
    'instance-profile': (name) => deleteInstanceProfile(clients, name),
    role: (name) => deleteRole(clients, name),
  };
  for (const entry of pending) {
    const { kind, name } = entry;
    if (kind === 'instance') continue;
    await attempt(
      outcome,
      `${kind} ${name}`,
      () => removers[kind](name),
      () => journal.deleted(kind, name),
    );
  }
}

/** Deregistered task definitions stay readable (their environment too) until deleted. */
async function deleteTaskDefinitionsOfRun(
  clients: AwsClients,
  journal: RunJournal,
  outcome: TeardownOutcome,
): Promise<void> {
  try {
    for (const arn of await deleteRunTaskDefinitions(clients, journal.runId)) {
      outcome.deleted.push(`task-definition ${arn}`);
    }
  } catch (error) {
    outcome.leftovers.push(`task definitions of run ${journal.runId} (${errorText(error)})`);
  }
}

/** The safety net: anything else of this run (its tag and its names; its instance profile for instances). */
async function sweepTaggedLeftovers(
  clients: AwsClients,
  journal: RunJournal,
  instances: JournalEntry[],
  withIds: JournalEntry[],
  outcome: TeardownOutcome,
): Promise<void> {
  try {
    const report = await sweepReport(clients, { runId: journal.runId, dryRun: false });
    const terminated = new Set(withIds.map((entry) => entry.id));
    // An instance terminated above may still be shutting down: the sweep sees it again.
    for (const resource of report.deleted.filter((r) => !(r.kind === 'instance' && terminated.has(r.id)))) {
      outcome.deleted.push(`${resource.kind} ${resource.id}`);
    }
    for (const resource of report.failed) outcome.leftovers.push(`${resource.kind} ${resource.id} (${resource.error})`);
    for (const resource of report.notOurs) outcome.notOurs.push(`${resource.kind} ${resource.id} (${resource.reason})`);
    if (report.failed.length === 0)
      for (const entry of instances.filter((e) => !e.id)) journal.deleted('instance', entry.name);
  } catch (error) {
    outcome.leftovers.push(`tagged leftovers of run ${journal.runId} (${errorText(error)})`);
  }
}
