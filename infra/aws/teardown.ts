/**
 * Teardown from the run journal: every resource the journal says may exist, in dependency order, each
 * deletion marked as it succeeds; then everything else carrying the run's tag (task definitions the
 * cells registered, an instance whose launch was cut off before it answered). The run's task definitions,
 * deregistered by their cells, are deleted (delete-task-definitions.ts). Idempotent: a resource
 * already gone counts as deleted, so a second run (a second Ctrl-C, `sweep --run ID`) finishes the job.
 */
import type { ResourceKind, RunJournal } from '../backends/journal.ts';
import type { AwsClients } from './clients.ts';
import { deleteCluster, deleteInstanceProfile, deleteLogGroup, deleteRole, terminateInstances } from './delete.ts';
import { deleteRunTaskDefinitions } from './delete-task-definitions.ts';
import { sweep } from './sweep.ts';

export async function teardownFromJournal(
  clients: AwsClients,
  journal: RunJournal,
): Promise<{ deleted: string[]; leftovers: string[] }> {
  const deleted: string[] = [];
  const leftovers: string[] = [];
  const attempt = async (what: string, action: () => Promise<void>, done: () => void) => {
    try {
      await action();
      done();
      deleted.push(what);
    } catch (error) {
      leftovers.push(`${what} (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  const pending = journal.pending();
  // One TerminateInstances for all; an instance without an id (its launch never answered) is found by tag below.
  const instances = pending.filter((entry) => entry.kind === 'instance');
  const withIds = instances.filter((entry) => entry.id);
  if (withIds.length > 0) {
    await attempt(
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
  const removers: Record<Exclude<ResourceKind, 'instance'>, (name: string) => Promise<void>> = {
    cluster: (name) => deleteCluster(clients, name),
    'log-group': (name) => deleteLogGroup(clients, name),
    'instance-profile': (name) => deleteInstanceProfile(clients, name),
    role: (name) => deleteRole(clients, name),
  };
  for (const entry of pending) {
    if (entry.kind === 'instance') continue;
    const remove = () => removers[entry.kind as Exclude<ResourceKind, 'instance'>](entry.name);
    await attempt(`${entry.kind} ${entry.name}`, remove, () => journal.deleted(entry.kind, entry.name));
  }
  // Deregistered task definitions stay readable (their environment too) until deleted.
  try {
    for (const arn of await deleteRunTaskDefinitions(clients, journal.runId)) deleted.push(`task-definition ${arn}`);
  } catch (error) {
    leftovers.push(
      `task definitions of run ${journal.runId} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  // The safety net: anything else with this run's tag.
  try {
    const swept = await sweep(clients, { runId: journal.runId, dryRun: false });
    const terminated = new Set(withIds.map((entry) => entry.id));
    // An instance terminated above may still be shutting down: the sweep sees it again.
    for (const resource of swept.filter((r) => !(r.kind === 'instance' && terminated.has(r.id)))) {
      deleted.push(`${resource.kind} ${resource.id}`);
    }
    for (const entry of instances.filter((e) => !e.id)) journal.deleted('instance', entry.name);
  } catch (error) {
    leftovers.push(
      `tagged leftovers of run ${journal.runId} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return { deleted, leftovers };
}
