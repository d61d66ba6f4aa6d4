/**
 * Finds what runs left behind (a crash, SIGKILL, `--keep`) by the harness's tags and deletes whatever is
 * due, in dependency order. Only resources carrying the run tag are ever touched.
 */
import {
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as ListLogTagsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';
import {
  GetInstanceProfileCommand,
  ListInstanceProfilesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
} from '@aws-sdk/client-iam';
import type { AwsClients } from './clients.ts';
import {
  deleteCluster,
  deleteInstanceProfile,
  deleteLogGroup,
  deleteRole,
  deregisterTaskDefinition,
  terminateInstances,
} from './delete.ts';
import { IAM_PATH, ownership, RUN_TAG } from './tags.ts';

export interface SweepOptions {
  /** Also sweep runs that started at least this long ago, expired or not (`--older-than`). */
  olderThanMs?: number;
  /** Only this run's resources, expired or not (a provisioning that failed cleans up after itself). */
  runId?: string;
  dryRun: boolean;
  now?: Date;
}

export interface SweptResource {
  kind: 'instance' | 'cluster' | 'task-definition' | 'log-group' | 'instance-profile' | 'role';
  id: string;
  runId: string;
}

export async function sweep(clients: AwsClients, options: SweepOptions): Promise<SweptResource[]> {
  const now = options.now ?? new Date();
  const due = (tags: Parameters<typeof ownership>[0]) => {
    const owner = ownership(tags, now, options.olderThanMs);
    if (options.runId !== undefined) return owner?.runId === options.runId ? owner.runId : undefined;
    return owner?.expired ? owner.runId : undefined;
  };
  const found: SweptResource[] = [];
  const act = async (resource: SweptResource, remove: () => Promise<void>) => {
    found.push(resource);
    if (!options.dryRun) await remove();
  };

  const reservations = await clients.ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: [RUN_TAG] }] }),
  );
  for (const instance of (reservations.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
    const runId = due(instance.Tags);
    if (!runId || !instance.InstanceId || instance.State?.Name === 'terminated') continue;
    const id = instance.InstanceId;
    await act({ kind: 'instance', id, runId }, () => terminateInstances(clients, [id]));
  }

  const clusterArns = (await clients.ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
  if (clusterArns.length > 0) {
    const { clusters } = await clients.ecs.send(
      new DescribeClustersCommand({ clusters: clusterArns, include: ['TAGS'] }),
    );
    for (const cluster of clusters ?? []) {
      const runId = due(cluster.tags);
      const name = cluster.clusterName;
      if (!runId || !name || cluster.status === 'INACTIVE') continue;
      await act({ kind: 'cluster', id: name, runId }, () => deleteCluster(clients, name));
    }
  }

  const definitions = await clients.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: 'ecs-taskrole-', status: 'ACTIVE' }),
  );
  for (const arn of definitions.taskDefinitionArns ?? []) {
    const { tags } = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
    );
    const runId = due(tags);
    if (runId) await act({ kind: 'task-definition', id: arn, runId }, () => deregisterTaskDefinition(clients, arn));
  }

  const groups = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs-taskrole/' }));
  for (const group of groups.logGroups ?? []) {
    const name = group.logGroupName;
    if (!name || !group.arn) continue;
    const { tags } = await clients.logs.send(new ListLogTagsCommand({ resourceArn: group.arn.replace(/:\*$/, '') }));
    const runId = due(tags);
    if (runId) await act({ kind: 'log-group', id: name, runId }, () => deleteLogGroup(clients, name));
  }

  const profiles = await clients.iam.send(new ListInstanceProfilesCommand({ PathPrefix: IAM_PATH }));
  for (const profile of profiles.InstanceProfiles ?? []) {
    const name = profile.InstanceProfileName;
    if (!name) continue;
    // GetInstanceProfile carries the tags (moto has no ListInstanceProfileTags).
    const { InstanceProfile } = await clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
    const runId = due(InstanceProfile?.Tags);
    if (runId) await act({ kind: 'instance-profile', id: name, runId }, () => deleteInstanceProfile(clients, name));
  }

  const roles = await clients.iam.send(new ListRolesCommand({ PathPrefix: IAM_PATH }));
  for (const role of roles.Roles ?? []) {
    const name = role.RoleName;
    if (!name) continue;
    const { Tags } = await clients.iam.send(new ListRoleTagsCommand({ RoleName: name }));
    const runId = due(Tags);
    if (runId) await act({ kind: 'role', id: name, runId }, () => deleteRole(clients, name));
  }
  return found;
}
