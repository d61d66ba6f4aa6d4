/**
 * Deleting what the harness made, one resource kind per function, each idempotent (already gone is done).
 * Teardown and sweep share them, and call them in dependency order: instances, container instances,
 * cluster, task definitions, log group, instance profiles, roles.
 */
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DeleteClusterCommand,
  DeregisterContainerInstanceCommand,
  DeregisterTaskDefinitionCommand,
  ListContainerInstancesCommand,
} from '@aws-sdk/client-ecs';
import {
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import type { AwsClients } from './clients.ts';

const GONE = /NotFound|NoSuchEntity|ClusterNotFound|InvalidInstanceID|does not exist|InvalidParameter/i;

async function ignoringGone(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const text = `${(error as { name?: string }).name ?? ''} ${error instanceof Error ? error.message : ''}`;
    if (!GONE.test(text)) throw error;
  }
}

export async function terminateInstances(clients: AwsClients, instanceIds: readonly string[]): Promise<void> {
  if (instanceIds.length === 0) return;
  await ignoringGone(() => clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [...instanceIds] })));
}

/** Deregisters every container instance (forced), then deletes the cluster (AWS refuses it otherwise). */
export async function deleteCluster(clients: AwsClients, cluster: string): Promise<void> {
  await ignoringGone(async () => {
    const { containerInstanceArns } = await clients.ecs.send(new ListContainerInstancesCommand({ cluster }));
    for (const containerInstance of containerInstanceArns ?? []) {
      await ignoringGone(() =>
        clients.ecs.send(new DeregisterContainerInstanceCommand({ cluster, containerInstance, force: true })),
      );
    }
    await clients.ecs.send(new DeleteClusterCommand({ cluster }));
  });
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
    const attached = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    for (const policy of attached.AttachedPolicies ?? []) {
      await clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policy.PolicyArn }));
    }
    const inline = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    for (const policyName of inline.PolicyNames ?? []) {
      await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    }
    await clients.iam.send(new DeleteRoleCommand({ RoleName: roleName }));
  });
}
