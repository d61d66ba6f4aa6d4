/**
 * The one driver of every backend: AWS APIs through the AWS SDK for JavaScript v3. The backend only decides
 * where those APIs live (its profile's Connection, infra/backends); on the lab, its data plane boots the
 * instances we launch. Provisioned state is plain JSON so the lifecycle and the cell workers (one process
 * each) can share it through a file.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { instanceGroupId } from '../../core/matrix/instance-groups.ts';
import type { PlannedCell } from '../../core/plan/plan.ts';
import type { RunPlan } from '../../core/plan/plan-file.ts';
import type { Connection } from '../backends/backend-record.ts';
import { createClients, destroyClients } from './clients.ts';
import { explainCredentialsFailure } from './credentials-error.ts';
import type { CellTarget, InstanceReadiness, ProvisionContext, TaskEvidence, TeardownReport } from './driver-types.ts';
import { taskDefinitionFamily } from './harness-names.ts';
import { instanceConsoleCache, readInstanceConsole } from './instance-console.ts';
import { waitForRegistrations } from './instances.ts';
import { RunJournal } from './journal.ts';
import { endedBeforeRegistering, notRegisteredReason, provisionRun } from './provision.ts';
import { taskRoleVariant } from './roles.ts';
import { runCellTask } from './run-cell.ts';
import { type AwsRunState, awsRunStateSchema, initialRunState } from './run-state.ts';
import { newRunId, runTags } from './tags.ts';
import { teardownFromJournal } from './teardown.ts';
import { WorkerClients } from './worker-clients.ts';

export type { AwsRunState } from './run-state.ts';

/** Clients per process: the Playwright workers each open their own, and destroy them as they end (closeWorker). */
const workerClients = new WorkerClients();
/** Instances this worker already saw registered: later cells of their group need not ask ECS again. */
const registeredInThisWorker = new Map<string, InstanceReadiness>();
const registered = (agentVersion: string | undefined): InstanceReadiness => (agentVersion ? { agentVersion } : {});
/** Console tails this worker already read: one GetConsoleOutput per instance, whatever its cell count. */
let consoles: { key: string; read: (instanceId: string) => Promise<string> } | undefined;
function clientsOf(state: AwsRunState, connection: Connection) {
  return workerClients.of(state.runId, connection.target);
}

export const awsDriver = {
  /** Validates provisioned state read back from `--out/run-state.json`. */
  readState: (value: unknown): AwsRunState => awsRunStateSchema.parse(value),

  /** Creates what the plan needs; what the cells need reaches them through `context.publish` (last: nothing settling). */
  async provision(plan: RunPlan, context: ProvisionContext): Promise<void> {
    const clients = createClients(context.connection.target);
    try {
      const startedAt = new Date();
      const runId = newRunId(startedAt);
      const journal = RunJournal.start(context.journalFile, runId);
      // The first call: where missing or refused credentials show, before anything exists.
      const identity = await clients.sts.send(new GetCallerIdentityCommand({})).catch((error: unknown) => {
        throw explainCredentialsFailure(error, 'nothing was created');
      });
      const region = context.connection.target.region;
      context.log(`account ${identity.Account ?? ''} (${identity.Arn}), region ${region}, run ${runId}`);
      const state = initialRunState(runId, startedAt, { region, account: identity.Account ?? '' });
      await provisionRun(clients, plan, state, journal, context);
    } finally {
      destroyClients(clients);
    }
  },

  /** Which instance and roles one cell uses, read from the provisioned state. */
  targetOf(state: AwsRunState, cell: PlannedCell): CellTarget {
    const groupId = instanceGroupId(cell);
    const group = state.groups[groupId];
    const variant = taskRoleVariant(cell);
    return {
      instanceGroup: groupId,
      ...(group?.instanceId ? { instanceId: group.instanceId } : {}),
      ...(group?.amiId ? { amiId: group.amiId } : {}),
      ...(variant && state.taskRoles[variant] ? { taskRoleArn: state.taskRoles[variant] } : {}),
      instanceRoleArn: group?.instanceRoleArn ?? '',
    };
  },

  /**
   * Waits (before the cell's time limit starts) until the cell's instance can take tasks; resolves with
   * why it cannot (its agent never registered within the limit: the cell is NOT_PLACED without a RunTask;
   * none launched, or its instance ended first: INFRA_ERROR), or with the agent version it registered.
   */
  async awaitInstance(state: AwsRunState, cell: PlannedCell, connection: Connection): Promise<InstanceReadiness> {
    const groupId = instanceGroupId(cell);
    const group = state.groups[groupId];
    if (group?.notLaunched) return { notLaunched: group.notLaunched };
    if (!group?.instanceId) return { notRegistered: `no instance was launched for group ${groupId}` };
    if (group.notRegistered) return { notRegistered: group.notRegistered };
    if (group.containerInstanceArn) return registered(group.agentVersion);
    const known = registeredInThisWorker.get(group.instanceId);
    if (known) return known;
    const deadline = Date.parse(state.registrationDeadline ?? '') || Date.now();
    const { clients } = clientsOf(state, connection);
    const pollMs = connection.registrationPollMs;
    const wait = await waitForRegistrations(clients, state.cluster, [group.instanceId], { deadline, pollMs });
    const registration = wait.registered.get(group.instanceId);
    if (!registration) {
      const ended = wait.ended.get(group.instanceId);
      if (ended !== undefined) return { notLaunched: endedBeforeRegistering(group.instanceId, state, ended) };
      return { notRegistered: notRegisteredReason(group.instanceId, state) };
    }
    const readiness = registered(registration.agentVersion);
    registeredInThisWorker.set(group.instanceId, readiness);
    return readiness;
  },

  async runCell(
    state: AwsRunState,
    cell: PlannedCell,
    { signal, connection }: { signal: AbortSignal; connection: Connection },
  ): Promise<TaskEvidence> {
    const { clients } = clientsOf(state, connection);
    const target = awsDriver.targetOf(state, cell);
    return runCellTask(
      clients,
      cell,
      {
        cluster: state.cluster,
        instanceId: target.instanceId ?? '',
        definition: {
          family: taskDefinitionFamily(state.runId),
          cluster: state.cluster,
          region: state.region,
          logGroup: state.logGroup,
          ...(target.taskRoleArn ? { taskRoleArn: target.taskRoleArn } : {}),
          ...(state.executionRoleArn ? { executionRoleArn: state.executionRoleArn } : {}),
          ...(connection.taskEndpoint ? { endpoint: connection.taskEndpoint } : {}),
          ...(connection.proxyUrl ? { proxyUrl: connection.proxyUrl } : {}),
          tags: runTags(state.runId, new Date(state.startedAt)).map((tag) => ({ key: tag.Key, value: tag.Value })),
        },
      },
      signal,
    );
  },

  /**
   * The tail of the console of the cell's instance (evidence only, never classified); undefined when no
   * instance was launched. Read once per instance per process, never rejects.
   */
  async instanceConsole(state: AwsRunState, cell: PlannedCell, connection: Connection): Promise<string | undefined> {
    const instanceId = awsDriver.targetOf(state, cell).instanceId;
    if (!instanceId) return undefined;
    const { key, clients } = clientsOf(state, connection);
    if (consoles?.key !== key) consoles = { key, read: instanceConsoleCache((id) => readInstanceConsole(clients, id)) };
    return consoles.read(instanceId);
  },

  /** This process's cells are done: its clients are destroyed (their sockets closed), and what they read forgotten. */
  closeWorker(): void {
    workerClients.close();
    consoles = undefined;
  },

  /** Deletes what the journal says may exist, then anything else carrying the run's tag. Idempotent. */
  async teardown(journal: RunJournal, connection: Connection, log: (line: string) => void): Promise<TeardownReport> {
    const clients = createClients(connection.target);
    try {
      const { deleted, leftovers, notOurs } = await teardownFromJournal(clients, journal);
      log(`run ${journal.runId}: ${leftovers.length === 0 ? 'all resources deleted' : `${leftovers.length} left`}`);
      for (const resource of notOurs) log(`run ${journal.runId}: tagged but not ours, left untouched: ${resource}`);
      return { runId: journal.runId, deleted, leftovers, ...(notOurs.length > 0 ? { notOurs } : {}) };
    } finally {
      destroyClients(clients);
    }
  },
};
