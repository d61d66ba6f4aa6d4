/**
 * Provisioning one run: cluster, log group, roles and instance profiles, then one instance per instance
 * group, then the waits the run's metadata and the rebooted groups need. Every create is written to the
 * run journal before it is sent; an interruption stops new creates and waits at the next step.
 */
import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { rebootedBeforeCells } from '../../core/matrix/dimensions.ts';
import type { RunPlan } from '../../core/plan/plan-file.ts';
import type { RunMetadata } from '../../core/results/results-schema.ts';
import { packageVersion } from '../files/package-version.ts';
import { settleAll } from '../promises/settle-all.ts';
import { userDataFor } from '../user-data/user-data.ts';
import { resolveAmis } from './amis.ts';
import type { AwsClients } from './clients.ts';
import { type ProvisionContext, ProvisioningInterrupted } from './driver-types.ts';
import { imdsLaunchRefusal, launchInstance, rebootAndWaitForAgent, waitForRegistrations } from './instances.ts';
import type { RunJournal } from './journal.ts';
import {
  createExecutionRole,
  createInstanceRole,
  createTaskRoles,
  executionRoleName,
  instanceRoleName,
  instanceRoleVariant,
  needsExecutionRole,
  taskRoleName,
  taskRoleVariants,
} from './roles.ts';
import type { AwsRunState } from './run-state.ts';
import { RUN_TTL_MS, resourceName, runTags } from './tags.ts';

/**
 * Why an instance's cells are NOT_PLACED: its agent did not register within the limit, or (`ended`, from
 * EC2) its instance stopped or terminated before it did, which no longer waits for the limit.
 */
/**
 * Why a cell cannot run because its instance ended before its agent registered. The harness ends no instance
 * before its cells, so this is the infrastructure's doing (an internal error at launch, someone else's
 * termination): the cell is INFRA_ERROR, never NOT_PLACED, which would pass cells that expect NOT_PLACED
 * without testing them.
 */
export function endedBeforeRegistering(instanceId: string, state: AwsRunState, ended: string): string {
  return `container instance of ${instanceId} never registered in cluster ${state.cluster}: ${ended}`;
}

export function notRegisteredReason(instanceId: string, state: AwsRunState): string {
  // Provisioning records the limit before any cell sees the state.
  const limit =
    state.registrationLimitMs !== undefined ? `${Math.round(state.registrationLimitMs / 1000)} s` : 'its time limit';
  return `container instance of ${instanceId} did not register in cluster ${state.cluster} within ${limit}`;
}

/** What every step of one provisioning shares. */
interface Provisioning {
  clients: AwsClients;
  plan: RunPlan;
  state: AwsRunState;
  journal: RunJournal;
  context: ProvisionContext;
  tags: ReturnType<typeof runTags>;
  /** Throws ProvisioningInterrupted once the run is interrupted: called before each create. */
  checkpoint(): void;
}

type InstanceGroup = RunPlan['instanceGroups'][number];

export async function provisionRun(
  clients: AwsClients,
  plan: RunPlan,
  state: AwsRunState,
  journal: RunJournal,
  context: ProvisionContext,
): Promise<void> {
  const provisioning: Provisioning = {
    clients,
    plan,
    state,
    journal,
    context,
    tags: runTags(state.runId, new Date(state.startedAt)),
    checkpoint: () => {
      if (context.signal.aborted) throw new ProvisioningInterrupted();
    },
  };
  const amis = await createSharedResources(provisioning);
  await launchInstances(provisioning, amis);
  provisioning.checkpoint();
  // The backend's (its profile's): fixed, or on the lab as long as this machine's load makes a boot.
  const timeoutMs = context.registrationLimitMs;
  state.registrationLimitMs = timeoutMs;
  state.registrationDeadline = new Date(Date.now() + timeoutMs).toISOString();
  await publishAndSettle(provisioning);
}

/** Cluster, log group, task, execution and instance roles, side by side, each journaled first; returns the AMIs. */
async function createSharedResources(provisioning: Provisioning): Promise<Record<string, string>> {
  const { clients, plan, state, journal, context, tags } = provisioning;
  const { runId } = state;
  const ecsTags = tags.map((tag) => ({ key: tag.Key, value: tag.Value }));
  const policies = [...new Set(plan.instanceGroups.map((group) => instanceRoleVariant(group.instance)))];
  const withExecutionRole = needsExecutionRole(plan.cells);

  provisioning.checkpoint();
  journal.creating('cluster', state.cluster);
  journal.creating('log-group', state.logGroup);
  for (const variant of taskRoleVariants(plan.cells)) journal.creating('role', taskRoleName(runId, variant));
  if (withExecutionRole) journal.creating('role', executionRoleName(runId));
  for (const policy of policies) {
    journal.creating('role', instanceRoleName(runId, policy));
    journal.creating('instance-profile', instanceRoleName(runId, policy));
  }
  const [, , taskRoles, instanceRoles, amis, executionRoleArn] = await settleAll([
    clients.ecs
      .send(new CreateClusterCommand({ clusterName: state.cluster, tags: ecsTags }))
      .then(() => journal.created('cluster', state.cluster)),
    createLogGroup(provisioning),
    createTaskRoles(clients, plan.cells, { runId, account: state.account, region: state.region, tags }),
    settleAll(
      policies.map(
        async (policy) =>
          [policy, await createInstanceRole(clients, policy, { runId, tags, account: state.account })] as const,
      ),
    ),
    resolveAmis(
      clients,
      plan.instanceGroups.map((group) => group.instance.ami),
      // The flags' pins win over the matrix's.
      { ...plan.amiPins, ...context.config.amiPins },
    ),
    withExecutionRole
      ? createExecutionRole(clients, { runId, account: state.account, tags }).then((arn) => {
          journal.created('role', executionRoleName(runId), arn);
          return arn;
        })
      : Promise.resolve(undefined),
  ]);
  for (const [variant, arn] of Object.entries(taskRoles)) {
    journal.created('role', taskRoleName(runId, variant as keyof typeof taskRoles), arn);
  }
  for (const [, role] of instanceRoles) {
    journal.created('role', role.roleName, role.roleArn);
    journal.created('instance-profile', role.instanceProfileName);
  }
  state.taskRoles = taskRoles;
  state.instanceRoles = Object.fromEntries(instanceRoles);
  if (executionRoleArn) state.executionRoleArn = executionRoleArn;
  context.log(`cluster ${state.cluster}, log group ${state.logGroup}, ${Object.keys(taskRoles).length} task roles`);
  return amis;
}

/** The run's log group, journaled once created, kept a day. */
async function createLogGroup({ clients, state, journal, tags }: Provisioning): Promise<void> {
  await clients.logs.send(
    new CreateLogGroupCommand({
      logGroupName: state.logGroup,
      tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
    }),
  );
  journal.created('log-group', state.logGroup);
  await clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: state.logGroup, retentionInDays: 1 }));
}

/**
 * Launched in the order their cells start (the run order already expects a rebooted group's cells
 * late): a lab boots a few at a time, in that order, which each instance's tag carries (calls sent side
 * by side arrive in any order). Names keep the plan's index.
 */
async function launchInstances(provisioning: Provisioning, amis: Record<string, string>): Promise<void> {
  const { plan } = provisioning;
  const firstCell = new Map(plan.runOrder.map((id, position) => [id, position] as const));
  const startsAt = (group: InstanceGroup) =>
    Math.min(...group.cells.map((id) => firstCell.get(id) ?? Number.MAX_SAFE_INTEGER));
  const launchOrder = plan.instanceGroups
    .map((group, index) => ({ group, index }))
    .sort((a, b) => startsAt(a.group) - startsAt(b.group));
  await settleAll(
    launchOrder.map(({ group, index }, position) => launchGroup(provisioning, amis, group, index, position)),
  );
}

/** One instance group's instance, journaled first; a launch the IMDS settings refuse is the group's note. */
async function launchGroup(
  provisioning: Provisioning,
  amis: Record<string, string>,
  group: InstanceGroup,
  index: number,
  position: number,
): Promise<void> {
  const { clients, state, journal, context } = provisioning;
  const role = state.instanceRoles[instanceRoleVariant(group.instance)];
  const amiId = amis[group.instance.ami] ?? '';
  if (!role) throw new Error(`no instance role for ${instanceRoleVariant(group.instance)}`);
  state.groups[group.id] = { instanceRoleArn: role.roleArn, amiId };
  const name = resourceName(state.runId, group.id === 'default' ? 'default' : `g${index}`);
  provisioning.checkpoint();
  journal.creating('instance', name);
  const launching = launchInstance(clients, group, {
    amiId,
    instanceProfileName: role.instanceProfileName,
    userData: userDataFor(group, {
      cluster: state.cluster,
      proxyUrl: context.connection.proxyUrl,
      // The instance powers itself off at the run's expiry, the same instant its tags name.
      expiresAt: new Date(Date.parse(state.startedAt) + RUN_TTL_MS),
    }),
    tags: provisioning.tags,
    name,
    launchOrder: position,
  });
  const launched = await launching.catch((error: unknown) => {
    const refusal = imdsLaunchRefusal(group, error);
    if (refusal === undefined) throw error;
    return refusal;
  });
  if (typeof launched === 'string') {
    context.log(`group ${group.id} not launched: ${launched}`);
    state.groups[group.id] = { ...state.groups[group.id], instanceRoleArn: role.roleArn, notLaunched: launched };
    return;
  }
  journal.created('instance', name, launched.instanceId);
  state.groups[group.id] = { ...state.groups[group.id], instanceRoleArn: role.roleArn, ...launched };
}

/** The run's metadata as known once the instances are launched. */
function launchedRunMetadata({ plan, state, context }: Provisioning): RunMetadata {
  const { config } = context;
  // Agent versions come with each cell's own registration (InstanceReadiness); the image ids are known now.
  const imageIds: RunMetadata['amis'] = {};
  for (const group of plan.instanceGroups) {
    imageIds[group.instance.ami] ??= { imageId: state.groups[group.id]?.amiId ?? '' };
  }
  return {
    runId: state.runId,
    backend: config.backend,
    region: state.region,
    matrixName: plan.name,
    startedAt: state.startedAt,
    toolVersion: packageVersion(),
    ...(config.labAgent ? { labAgent: config.labAgent } : {}),
    amis: imageIds,
  };
}

/** Hands the cells the run's state, then again as each rebooted group is done settling. */
async function publishAndSettle(provisioning: Provisioning): Promise<void> {
  const { clients, plan, state, context } = provisioning;
  const metadata = launchedRunMetadata(provisioning);
  const rebooted = plan.instanceGroups.filter(
    (group) => rebootedBeforeCells(group.instance.hostRules) && state.groups[group.id]?.instanceId,
  );
  const settling = new Set(rebooted.map((group) => group.id));
  const publish = () => context.publish({ state, metadata, settling: [...settling] });
  context.log(
    `${plan.instanceGroups.length} instances launched; each cell starts once its own agent registered ` +
      `(until ${state.registrationDeadline})${settling.size > 0 ? `, after ${settling.size} reboot(s)` : ''}`,
  );
  publish();
  await Promise.all(
    rebooted.map(async (group) => {
      await rebootOnceRegistered(clients, group.id, state, context);
      settling.delete(group.id);
      publish();
    }),
  );
}

/**
 * A `-rebooted` group's instance: wait for its agent, reboot it, wait for the agent to be back. Its cells
 * wait for this (the group is `settling` until it is done): they must run after the reboot.
 */
async function rebootOnceRegistered(
  clients: AwsClients,
  groupId: string,
  state: AwsRunState,
  { signal, log, registrationLimitMs }: ProvisionContext,
): Promise<void> {
  const groupState = state.groups[groupId];
  const instanceId = groupState?.instanceId;
  if (!groupState || !instanceId) return;
  const deadline = Date.parse(state.registrationDeadline ?? '') || Date.now();
  // Figures for the registration limit (the profiles' registrationTimeoutMs): this starts once every instance launched.
  const launched = performance.now();
  const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
  const wait = await unlessAborted(signal, waitForRegistrations(clients, state.cluster, [instanceId], { deadline }));
  const registered = wait.registered.get(instanceId);
  // Without a registration there is nothing to reboot.
  if (!registered) {
    const ended = wait.ended.get(instanceId);
    if (ended !== undefined) groupState.notLaunched = endedBeforeRegistering(instanceId, state, ended);
    else groupState.notRegistered = notRegisteredReason(instanceId, state);
    return;
  }
  if (signal.aborted) throw new ProvisioningInterrupted();
  log(
    `rebooting ${instanceId} (${groupId}), registered ${seconds(launched)} s after the launches: ` +
      'do the rules its user data added come back?',
  );
  const rebooting = performance.now();
  const back = await unlessAborted(
    signal,
    rebootAndWaitForAgent(clients, state.cluster, instanceId, registered, {
      timeoutMs: state.registrationLimitMs ?? registrationLimitMs,
    }),
  );
  if (!back) groupState.notRegistered = `${notRegisteredReason(instanceId, state)} after its reboot`;
  else {
    log(`${instanceId} (${groupId}) registered again ${seconds(rebooting)} s after its reboot`);
    groupState.containerInstanceArn = back.containerInstanceArn;
    if (back.agentVersion) groupState.agentVersion = back.agentVersion;
  }
}

/** A wait that ends at once when the run is interrupted (the polling it abandons ends with its deadline). */
function unlessAborted<T>(signal: AbortSignal, wait: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(new ProvisioningInterrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ProvisioningInterrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    wait.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
