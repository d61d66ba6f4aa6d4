/**
 * Deleting what the harness made, one resource kind per function, each idempotent (already gone is done).
 * Teardown and sweep share them, and call them in dependency order: instances, container instances,
 * cluster, task definitions, log group, instance profiles, roles.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DeleteClusterCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  paginateListContainerInstances,
} from '@aws-sdk/client-ecs';
import {
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import type { AwsClients } from './clients.ts';

/**
 * "Does not exist (any more)" as AWS says it: the SDK's modeled exceptions (IAM NoSuchEntityException,
 * ECS ClusterNotFoundException, CloudWatch Logs ResourceNotFoundException) and EC2's error code (EC2 models
 * none), by the error's name. Anything else — a throttle, a denial, a dependency — is a real failure.
 */
const GONE_ERRORS = new Set([
  'NoSuchEntityException',
  'ClusterNotFoundException',
  'ResourceNotFoundException',
  'InvalidInstanceID.NotFound',
]);
/**
 * ECS answers an unknown or deregistered task definition or container instance with its generic
 * ClientException (no modeled "not found"): only those messages count as gone.
 */
const ECS_CLIENT_GONE =
  /task definition .*(inactive|not found)|unable to describe task definition|revision is missing|container instance .*not found/i;

/** The error a call on a resource that does not exist (any more) fails with. */
export function isGone(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string') return false;
  if (GONE_ERRORS.has(name)) return true;
  return name === 'ClientException' && error instanceof Error && ECS_CLIENT_GONE.test(error.message);
}

async function ignoringGone(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

export async function terminateInstances(clients: AwsClients, instanceIds: readonly string[]): Promise<void> {
  if (instanceIds.length === 0) return;
  await ignoringGone(() => clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [...instanceIds] })));
}

/**
 * ECS refuses DeleteCluster while a container instance is registered or a task is active: an agent that
 * registered after the listing (an instance still booting at Ctrl-C), a task still stopping. Both pass.
 */
const CLUSTER_BUSY = /ClusterContainsContainerInstances|ClusterContainsTasks/;
const CLUSTER_RETRY_MS = 5_000;
const CLUSTER_ATTEMPTS = 36;

/** Deregisters every container instance (forced), then deletes the cluster; again while ECS says it is busy. */
export async function deleteCluster(clients: AwsClients, cluster: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await ignoringGone(async () => {
        await deregisterContainerInstances(clients, cluster);
        await clients.ecs.send(new DeleteClusterCommand({ cluster }));
      });
      return;
    } catch (error) {
      const busy = error instanceof Error && CLUSTER_BUSY.test(error.name);
      if (!busy || attempt >= CLUSTER_ATTEMPTS) throw error;
      await sleep(CLUSTER_RETRY_MS);
    }
  }
}

async function deregisterContainerInstances(clients: AwsClients, cluster: string): Promise<void> {
  for await (const page of paginateListContainerInstances({ client: clients.ecs }, { cluster })) {
    for (const containerInstance of page.containerInstanceArns ?? []) {
      await ignoringGone(() =>
        clients.ecs.send(new DeregisterContainerInstanceCommand({ cluster, containerInstance, force: true })),
      );
    }
  }
}

export async function deregisterTaskDefinition(clients: AwsClients, arn: string): Promise<void> {
  await ignoringGone(() => clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })));
}

export async function deleteLogGroup(clients: AwsClients, logGroupName: string): Promise<void> {
  await ignoringGone(() => clients.logs.send(new DeleteLogGroupCommand({ logGroupName })));
}

export async function deleteInstanceProfile(clients: AwsClients, name: string): Promise<void> {
  await ignoringGone(async () => {
    const { InstanceProfile } = await clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
    for (const role of InstanceProfile?.Roles ?? []) {
      await clients.iam.send(
        new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: name, RoleName: role.RoleName }),
      );
    }
    await clients.iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: name }));
  });
}

/** Detaches managed and deletes inline policies first: IAM refuses to delete a role that has any. */
export async function deleteRole(clients: AwsClients, roleName: string): Promise<void> {
  await ignoringGone(async () => {
    // Listed in full before deleting: removing entries while paging through them could skip some.
    const attached: string[] = [];
    for await (const page of paginateListAttachedRolePolicies({ client: clients.iam }, { RoleName: roleName })) {
      attached.push(...(page.AttachedPolicies ?? []).flatMap((policy) => (policy.PolicyArn ? [policy.PolicyArn] : [])));
    }
    for (const PolicyArn of attached)
      await clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn }));
    const inline: string[] = [];
    for await (const page of paginateListRolePolicies({ client: clients.iam }, { RoleName: roleName })) {
      inline.push(...(page.PolicyNames ?? []));
    }
    for (const PolicyName of inline)
      await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName }));
    await clients.iam.send(new DeleteRoleCommand({ RoleName: roleName }));
  });
}
