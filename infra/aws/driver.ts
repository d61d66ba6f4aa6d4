/**
 * The one driver of every backend: AWS APIs through the AWS SDK for JavaScript v3. The backend only decides
 * where those APIs live (backend-target.ts); on the lab, its data plane boots the instances we launch.
 */
import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Dimensions } from '../../core/matrix/dimensions.ts';
import { instanceGroupId } from '../../core/matrix/instance-groups.ts';
import type { Plan, PlannedCell } from '../../core/plan/plan.ts';
import type { RunMetadata } from '../../core/results/results-schema.ts';
import { REGISTRATION_TIMEOUT_MS, type RunConfig } from '../../run/run-config.ts';
import type { CellTarget, Driver, TaskEvidence } from '../backends/backend.ts';
import { labDown } from '../lab/index.ts';
import { userDataFor } from '../user-data/user-data.ts';
import { resolveAmis } from './amis.ts';
import { backendTarget, openBackend } from './backend-target.ts';
import { type AwsClients, createClients } from './clients.ts';
import { deleteCluster, deleteInstanceProfile, deleteLogGroup, deleteRole, terminateInstances } from './delete.ts';
import { launchInstance, rebootAndWaitForAgent, waitForRegistrations } from './instances.ts';
import {
  createInstanceRole,
  createTaskRoles,
  type InstanceRole,
  type TaskRoleVariant,
  taskRoleVariant,
} from './roles.ts';
import { runCellTask } from './run-cell.ts';
import { sweep } from './sweep.ts';
import { newRunId, resourceName, runTags } from './tags.ts';

export interface AwsRunState {
  runId: string;
  backend: RunConfig['backend'];
  region: string;
  account: string;
  cluster: string;
  logGroup: string;
  startedAt: string;
  startedLab: boolean;
  taskRoles: Partial<Record<TaskRoleVariant, string>>;
  instanceRoles: Partial<Record<Dimensions['instanceRolePolicy'], InstanceRole>>;
  groups: Record<string, GroupState>;
  /** Until when a cell waits for its instance's agent to register (ISO time). */
  registrationDeadline?: string;
}

interface GroupState {
  instanceId?: string;
  amiId?: string;
  instanceRoleArn: string;
  containerInstanceArn?: string;
  notRegistered?: string;
}

function notRegisteredReason(instanceId: string, state: AwsRunState): string {
  const seconds = REGISTRATION_TIMEOUT_MS[state.backend] / 1000;
  return `container instance of ${instanceId} did not register in cluster ${state.cluster} within ${seconds} s`;
}

/** Clients per process: the Playwright workers each open their own. */
let cached: { key: string; clients: AwsClients; proxyUrl?: string; taskEndpoint?: string } | undefined;
/** Instances this worker already saw registered: later cells of their group need not ask ECS again. */
const registeredInThisWorker = new Set<string>();
function clientsOf(state: AwsRunState) {
  const key = `${state.backend}:${state.region}`;
  if (cached?.key !== key) {
    const { target, proxyUrl, taskEndpoint } = backendTarget(state.backend, state.region);
    cached = { key, clients: createClients(target), proxyUrl, taskEndpoint };
  }
  return cached;
}

export const awsDriver: Driver<AwsRunState> = {
  async provision(plan: Plan, config: RunConfig, log) {
    const region = config.region ?? plan.matrix.region;
    const backend = await openBackend(config.backend, region);
    const clients = createClients(backend.target);
    const startedAt = new Date();
    const runId = newRunId(startedAt);
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    const account = identity.Account ?? '';
    log(`account ${account} (${identity.Arn}), region ${backend.target.region}, run ${runId}`);

    const state: AwsRunState = {
      runId,
      backend: config.backend,
      region: backend.target.region,
      account,
      cluster: resourceName(runId, 'cluster'),
      logGroup: `/ecs-taskrole/${runId}`,
      startedAt: startedAt.toISOString(),
      startedLab: backend.startedLab,
      taskRoles: {},
      instanceRoles: {},
      groups: {},
    };
    try {
      return await provisionRun(clients, plan, config, state, backend.proxyUrl, log);
    } catch (error) {
      // Whatever was created carries the run tag, recorded in the state or not.
      log(`provisioning failed; deleting what run ${runId} created`);
      await sweep(clients, { runId, dryRun: false }).catch((sweepError: unknown) =>
        log(`could not delete everything (sweep later): ${String(sweepError)}`),
      );
      if (backend.startedLab) await labDown();
      throw error;
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
    if (!group?.instanceId) return `no instance was launched for group ${groupId}`;
    if (group.notRegistered) return group.notRegistered;
    if (group.containerInstanceArn || registeredInThisWorker.has(group.instanceId)) return undefined;
    const deadline = Date.parse(state.registrationDeadline ?? '') || Date.now();
    const { clients } = clientsOf(state);
    const registered = await waitForRegistrations(clients, state.cluster, [group.instanceId], { deadline });
    if (!registered.has(group.instanceId)) return notRegisteredReason(group.instanceId, state);
    registeredInThisWorker.add(group.instanceId);
    return undefined;
  },

  async runCell(state, cell, { signal }): Promise<TaskEvidence> {
    const { clients, proxyUrl, taskEndpoint } = clientsOf(state);
    const target = awsDriver.targetOf(state, cell);
    return runCellTask(
      clients,
      cell,
      {
        cluster: state.cluster,
        instanceId: target.instanceId ?? '',
        definition: {
          family: resourceName(state.runId, 'cell'),
          cluster: state.cluster,
          region: state.region,
          logGroup: state.logGroup,
          ...(target.taskRoleArn ? { taskRoleArn: target.taskRoleArn } : {}),
          ...(taskEndpoint ? { endpoint: taskEndpoint } : {}),
          ...(proxyUrl ? { proxyUrl } : {}),
          tags: runTags(state.runId, new Date(state.startedAt)).map((tag) => ({ key: tag.Key, value: tag.Value })),
        },
      },
      signal,
    );
  },

  async teardown(state, log) {
    const { clients } = clientsOf(state);
    const leftovers: string[] = [];
    const step = async (what: string, action: () => Promise<void>) => {
      try {
        await action();
      } catch (error) {
        leftovers.push(`${what} (${error instanceof Error ? error.message : String(error)})`);
      }
    };
    const instanceIds = Object.values(state.groups).flatMap((group) => (group.instanceId ? [group.instanceId] : []));
    await step(`instances ${instanceIds.join(' ')}`, () => terminateInstances(clients, instanceIds));
    await step(`cluster ${state.cluster}`, () => deleteCluster(clients, state.cluster));
    await step(`log group ${state.logGroup}`, () => deleteLogGroup(clients, state.logGroup));
    for (const role of Object.values(state.instanceRoles)) {
      await step(`instance profile ${role.instanceProfileName}`, () =>
        deleteInstanceProfile(clients, role.instanceProfileName),
      );
      await step(`role ${role.roleName}`, () => deleteRole(clients, role.roleName));
    }
    for (const arn of Object.values(state.taskRoles)) {
      const name = arn.split('/').pop() ?? arn;
      await step(`role ${name}`, () => deleteRole(clients, name));
    }
    // Anything else with this run's tag (a task definition of a cell killed mid-way).
    await step(`tagged leftovers of run ${state.runId}`, async () => {
      await sweep(clients, { runId: state.runId, dryRun: false });
    });
    log(`run ${state.runId}: ${leftovers.length === 0 ? 'all resources deleted' : `${leftovers.length} left`}`);
    if (state.startedLab) {
      await labDown();
      log('lab stopped (this run started it)');
    }
    return leftovers;
  },
};

async function provisionRun(
  clients: AwsClients,
  plan: Plan,
  config: RunConfig,
  state: AwsRunState,
  proxyUrl: string | undefined,
  log: (line: string) => void,
): Promise<{ state: AwsRunState; metadata: RunMetadata }> {
  const { runId } = state;
  const tags = runTags(runId, new Date(state.startedAt));
  const account = state.account;
  const ecsTags = tags.map((tag) => ({ key: tag.Key, value: tag.Value }));
  const policies = [...new Set(plan.instanceGroups.map((group) => group.instance.instanceRolePolicy))];
  const [, , taskRoles, instanceRoles, amis] = await Promise.all([
    clients.ecs.send(new CreateClusterCommand({ clusterName: state.cluster, tags: ecsTags })),
    clients.logs
      .send(
        new CreateLogGroupCommand({
          logGroupName: state.logGroup,
          tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
        }),
      )
      .then(() =>
        clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: state.logGroup, retentionInDays: 1 })),
      ),
    createTaskRoles(clients, plan.cells, { runId, account, region: state.region, tags }),
    Promise.all(
      policies.map(async (policy) => [policy, await createInstanceRole(clients, policy, { runId, tags })] as const),
    ),
    resolveAmis(
      clients,
      plan.instanceGroups.map((group) => group.instance.ami),
      config.amiPins,
    ),
  ]);
  state.taskRoles = taskRoles;
  state.instanceRoles = Object.fromEntries(instanceRoles);
  log(`cluster ${state.cluster}, log group ${state.logGroup}, ${Object.keys(taskRoles).length} task roles`);

  await Promise.all(
    plan.instanceGroups.map(async (group) => {
      const role = state.instanceRoles[group.instance.instanceRolePolicy];
      const amiId = amis[group.instance.ami] ?? '';
      if (!role) throw new Error(`no instance role for ${group.instance.instanceRolePolicy}`);
      state.groups[group.id] = { instanceRoleArn: role.roleArn, amiId };
      const launched = await launchInstance(clients, group, {
        amiId,
        instanceProfileName: role.instanceProfileName,
        userData: userDataFor(group, { cluster: state.cluster, proxyUrl: proxyUrl }),
        tags,
        name: resourceName(runId, group.id === 'default' ? 'default' : `g${plan.instanceGroups.indexOf(group)}`),
      });
      state.groups[group.id] = { ...state.groups[group.id], instanceRoleArn: role.roleArn, ...launched };
    }),
  );
  const instanceIds = Object.values(state.groups).flatMap((group) => (group.instanceId ? [group.instanceId] : []));
  log(`${instanceIds.length} instances launched; waiting for their agents to register`);
  // Provisioning waits for what it needs (one agent per AMI for the run's metadata, the instances it must
  // reboot); each cell waits for its own instance, so one that never registers holds up only its cells.
  const timeoutMs = REGISTRATION_TIMEOUT_MS[config.backend];
  const deadline = Date.now() + timeoutMs;
  state.registrationDeadline = new Date(deadline).toISOString();
  const amiOf = new Map(Object.values(state.groups).map((group) => [group.instanceId, group.amiId]));
  const amiIds = new Set(amiOf.values());
  const registrations = await waitForRegistrations(clients, state.cluster, instanceIds, {
    deadline,
    enough: (registered) => new Set([...registered.keys()].map((id) => amiOf.get(id))).size === amiIds.size,
  });
  await Promise.all(
    plan.instanceGroups
      .filter((group) => group.instance.hostRules === 'not-saved-rebooted')
      .map(async (group) => {
        const groupState = state.groups[group.id];
        const instanceId = groupState?.instanceId;
        if (!groupState || !instanceId) return;
        const registered =
          registrations.get(instanceId) ??
          (await waitForRegistrations(clients, state.cluster, [instanceId], { deadline })).get(instanceId);
        // Its cells must run after the reboot: without a registration there is nothing to reboot.
        if (!registered) {
          groupState.notRegistered = notRegisteredReason(instanceId, state);
          return;
        }
        log(`rebooting ${instanceId} (${group.id}): rules added by hand are not saved`);
        const back = await rebootAndWaitForAgent(clients, state.cluster, instanceId, { timeoutMs });
        if (back) registrations.set(instanceId, back);
        else groupState.notRegistered = `${notRegisteredReason(instanceId, state)} after its reboot`;
      }),
  );
  const metadataAmis: RunMetadata['amis'] = {};
  for (const group of plan.instanceGroups) {
    const groupState = state.groups[group.id];
    if (!groupState?.instanceId) continue;
    const registration = registrations.get(groupState.instanceId);
    if (registration) {
      groupState.containerInstanceArn = registration.containerInstanceArn;
      metadataAmis[group.instance.ami] = {
        imageId: groupState.amiId ?? '',
        ...(registration.agentVersion ? { agentVersion: registration.agentVersion } : {}),
      };
    } else {
      metadataAmis[group.instance.ami] ??= { imageId: groupState.amiId ?? '' };
    }
  }
  log(
    `${registrations.size}/${instanceIds.length} container instances registered so far; ` +
      `each cell waits for its own until ${state.registrationDeadline}`,
  );
  const metadata: RunMetadata = {
    runId,
    backend: config.backend,
    region: state.region,
    matrixName: plan.matrix.name,
    startedAt: state.startedAt,
    toolVersion: process.env.npm_package_version ?? '0.0.0',
    amis: metadataAmis,
  };
  return { state, metadata };
}
