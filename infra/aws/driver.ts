/**
 * The one driver of every backend: AWS APIs through the AWS SDK for JavaScript v3. The backend only decides
 * where those APIs live (infra/backends); on the lab, its data plane boots the instances we launch.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { instanceGroupId } from '../../core/matrix/instance-groups.ts';
import type { PlannedCell } from '../../core/plan/plan.ts';
import { type Connection, connect } from '../backends/backend-record.ts';
import { type AwsClients, createClients, destroyClients } from './clients.ts';
import { explainCredentialsFailure } from './credentials-error.ts';
import type { CellTarget, Driver, InstanceReadiness, TaskEvidence } from './driver-types.ts';
import { taskDefinitionFamily } from './harness-names.ts';
import { instanceConsoleCache, readInstanceConsole } from './instance-console.ts';
import { waitForRegistrations } from './instances.ts';
import { RunJournal } from './journal.ts';
import { notRegisteredReason, provisionRun } from './provision.ts';
import { taskRoleVariant } from './roles.ts';
import { runCellTask } from './run-cell.ts';
import { type AwsRunState, awsRunStateSchema, initialRunState } from './run-state.ts';
import { newRunId, runTags } from './tags.ts';
import { teardownFromJournal } from './teardown.ts';

export type { AwsRunState } from './run-state.ts';

/** Clients per process: the Playwright workers each open their own. */
let cached: { key: string; clients: AwsClients; connection: Connection } | undefined;
/** Instances this worker already saw registered: later cells of their group need not ask ECS again. */
const registeredInThisWorker = new Map<string, InstanceReadiness>();
const registered = (agentVersion: string | undefined): InstanceReadiness => (agentVersion ? { agentVersion } : {});
/** Console tails this worker already read: one GetConsoleOutput per instance, whatever its cell count. */
let consoles: { key: string; read: (instanceId: string) => Promise<string> } | undefined;
function clientsOf(state: AwsRunState) {
  const key = JSON.stringify(state.backend);
  if (cached?.key !== key) {
    const connection = connect(state.backend);
    cached = { key, clients: createClients(connection.target), connection };
  }
  return cached;
}

export const awsDriver: Driver<AwsRunState> = {
  readState: (value) => awsRunStateSchema.parse(value),

  async provision(plan, context) {
    const clients = createClients(context.connection.target);
    try {
      const startedAt = new Date();
      const runId = newRunId(startedAt);
      const journal = RunJournal.start(context.journalFile, runId, context.backend);
      // The first call: where missing or refused credentials show, before anything exists.
      const identity = await clients.sts.send(new GetCallerIdentityCommand({})).catch((error: unknown) => {
        throw explainCredentialsFailure(error, 'nothing was created');
      });
      const region = context.connection.target.region;
      context.log(`account ${identity.Account ?? ''} (${identity.Arn}), region ${region}, run ${runId}`);
      const state = initialRunState(runId, startedAt, {
        backend: context.backend,
        region,
        account: identity.Account ?? '',
      });
      await provisionRun(clients, plan, state, journal, context);
    } finally {
      destroyClients(clients);
    }
  },

  targetOf(state, cell: PlannedCell): CellTarget {
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

  async awaitInstance(state, cell) {
    const groupId = instanceGroupId(cell);
    const group = state.groups[groupId];
    if (group?.notLaunched) return { notLaunched: group.notLaunched };
    if (!group?.instanceId) return { notRegistered: `no instance was launched for group ${groupId}` };
    if (group.notRegistered) return { notRegistered: group.notRegistered };
    if (group.containerInstanceArn) return registered(group.agentVersion);
    const known = registeredInThisWorker.get(group.instanceId);
    if (known) return known;
    const deadline = Date.parse(state.registrationDeadline ?? '') || Date.now();
    const { clients } = clientsOf(state);
    // Every worker's waiting cell asks ECS: seconds apart on AWS, where a registration takes minutes.
    const pollMs = state.backend.backend === 'aws' ? 5_000 : 500;
    const registration = (
      await waitForRegistrations(clients, state.cluster, [group.instanceId], { deadline, pollMs })
    ).get(group.instanceId);
    if (!registration) return { notRegistered: notRegisteredReason(group.instanceId, state) };
    const readiness = registered(registration.agentVersion);
    registeredInThisWorker.set(group.instanceId, readiness);
    return readiness;
  },

  async runCell(state, cell, { signal }): Promise<TaskEvidence> {
    const { clients, connection } = clientsOf(state);
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

  async instanceConsole(state, cell) {
    const instanceId = awsDriver.targetOf(state, cell).instanceId;
    if (!instanceId) return undefined;
    const { key, clients } = clientsOf(state);
    if (consoles?.key !== key) consoles = { key, read: instanceConsoleCache((id) => readInstanceConsole(clients, id)) };
    return consoles.read(instanceId);
  },

  async teardown(journal, connection, log) {
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
