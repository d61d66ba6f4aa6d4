/**
 * Finds what runs left behind (a crash, SIGKILL, `--keep`) by the harness's tags and deletes whatever is
 * due, in dependency order. Only resources carrying the run tag *and* the names the run gives its resources
 * (instances: the run's instance profile; harness-names.ts) are ever touched, the rest reported as tagged
 * but not ours; without a run id, only
 * those whose expiry passed (another team's live run is never due); a resource whose expiry tag is missing
 * or unparsable is reported, never deleted. Every listing is paginated, and a deletion is reported only
 * once a read-back shows it gone, so a second sweep finishes what an interrupted one began.
 */
import {
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as ListLogTagsCommand,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeInstancesCommand, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import {
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  paginateListClusters,
  paginateListTaskDefinitions,
} from '@aws-sdk/client-ecs';
import {
  GetInstanceProfileCommand,
  GetRoleCommand,
  ListRoleTagsCommand,
  paginateListInstanceProfiles,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import type { AwsClients } from './clients.ts';
import {
  deleteCluster,
  deleteInstanceProfile,
  deleteLogGroup,
  deleteRole,
  deregisterTaskDefinition,
  isGone,
  terminateInstances,
} from './delete.ts';
import { deleteRunTaskDefinitions } from './delete-task-definitions.ts';
import {
  clusterNotOurs,
  iamNotOurs,
  instanceNotOurs,
  logGroupNotOurs,
  type NotOurs,
  taskDefinitionFamily,
  taskDefinitionNotOurs,
} from './harness-names.ts';
import { RESOURCE_KINDS, type ResourceKind } from './resource-kinds.ts';
import { IAM_PATH, type Ownership, ownership, RUN_TAG, RUN_TTL_MS } from './tags.ts';

export interface SweepOptions {
  /** Only this run's resources, expired or not (`sweep --run ID`, a teardown's safety net). */
  runId?: string;
  /** Also runs that started at least this long ago (`--older-than`); below the expiry window only with a run id or a dry run. */
  olderThanMs?: number;
  dryRun: boolean;
  now?: Date;
  /** Page size of every listing (specs use a small one to see more than one page). */
  pageSize?: number;
}

export type { ResourceKind } from './resource-kinds.ts';

export interface SweptResource {
  kind: ResourceKind;
  id: string;
  runId: string;
}

export interface SweepReport {
  /** Deleted and read back as gone (in a dry run: what would be deleted). */
  deleted: SweptResource[];
  /** Carry the run tag but no usable expiry: left alone, for a person to look at. */
  unknownExpiry: (SweptResource & { problem: 'missing' | 'unparsable' })[];
  /**
   * Tagged but not ours: they carry the run tag (of an expired run, a live one, the run swept) but not a
   * name, path or instance profile that run gives its resources. Someone copied the tags: never touched.
   */
  notOurs: (SweptResource & { reason: string })[];
  /** Due, but the deletion failed or the resource is still there. */
  failed: (SweptResource & { error: string })[];
}

/** `--older-than` below this would reach runs that have not expired: someone else's live run. */
export const EXPIRY_WINDOW_MS = RUN_TTL_MS;

/** Thrown before anything is listed when the options could delete a live run of someone else. */
export class UnsafeSweepError extends Error {
  constructor(olderThanMs: number) {
    super(
      `--older-than ${Math.round(olderThanMs / 60_000)}m is below the expiry window (${EXPIRY_WINDOW_MS / 3_600_000} h): ` +
        "it would delete runs that have not expired, perhaps a colleague's live run. Name the run with --run ID, or list with --dry-run",
    );
    this.name = 'UnsafeSweepError';
  }
}

/** Every resource of one run, expired or not; idempotent (a rerun finishes an interrupted teardown). */
export function sweepRun(
  clients: AwsClients,
  runId: string,
  options: { pageSize?: number } = {},
): Promise<SweepReport> {
  return sweepReport(clients, { runId, dryRun: false, ...options });
}

/** What was deleted (or would be, in a dry run); throws if anything due could not be deleted. */
export async function sweep(clients: AwsClients, options: SweepOptions): Promise<SweptResource[]> {
  const report = await sweepReport(clients, options);
  if (report.failed.length > 0) {
    throw new Error(
      `could not delete ${report.failed.map((r) => `${r.kind} ${r.id} (${r.error})`).join(', ')}; sweep --run again`,
    );
  }
  return report.deleted;
}

/** How each kind is found and deleted (function declarations below, hoisted). */
const SWEEPERS: Record<ResourceKind, (sweeper: Sweeper) => Promise<void>> = {
  instance: sweepInstances,
  cluster: sweepClusters,
  'task-definition': sweepTaskDefinitions,
  'log-group': sweepLogGroups,
  'instance-profile': sweepInstanceProfiles,
  role: sweepRoles,
};

export async function sweepReport(clients: AwsClients, options: SweepOptions): Promise<SweepReport> {
  const { runId, olderThanMs, dryRun } = options;
  if (olderThanMs !== undefined && olderThanMs < EXPIRY_WINDOW_MS && runId === undefined && !dryRun) {
    throw new UnsafeSweepError(olderThanMs);
  }
  const sweeper = new Sweeper(clients, options);
  // In deletion order (resource-kinds.ts). Instances first: their container instances and instance profiles go next.
  for (const kind of RESOURCE_KINDS) {
    await SWEEPERS[kind](sweeper);
    await sweeper.flush();
  }
  await deleteSweptTaskDefinitions(sweeper);
  return sweeper.report;
}

/**
 * Deregistered is not gone: an INACTIVE revision stays readable (environment included) for ever. Every
 * run swept (named, or with something due) has its task definition family deleted, including revisions a
 * killed run had already deregistered. Reported: the revisions deleted that no listing above reported.
 */
async function deleteSweptTaskDefinitions(sweeper: Sweeper): Promise<void> {
  if (sweeper.options.dryRun) return;
  const reported = new Set(sweeper.report.deleted.map((resource) => resource.id));
  for (const runId of sweeper.runsSwept()) {
    try {
      const deleted = await deleteRunTaskDefinitions(sweeper.clients, runId);
      for (const arn of deleted.filter((arn) => !reported.has(arn))) {
        sweeper.report.deleted.push({ kind: 'task-definition', id: arn, runId });
      }
    } catch (error) {
      const id = taskDefinitionFamily(runId);
      const message = error instanceof Error ? error.message : String(error);
      sweeper.report.failed.push({ kind: 'task-definition', id, runId, error: message });
    }
  }
}

/** One sweep's decisions and its pending deletions. */
class Sweeper {
  readonly report: SweepReport = { deleted: [], unknownExpiry: [], notOurs: [], failed: [] };
  private readonly runs = new Set<string>();
  private pending: { resource: SweptResource; remove: () => Promise<void>; gone: () => Promise<boolean> }[] = [];
  private readonly now: number;
  readonly clients: AwsClients;
  readonly options: SweepOptions;

  constructor(clients: AwsClients, options: SweepOptions) {
    this.clients = clients;
    this.options = options;
    this.now = (options.now ?? new Date()).getTime();
  }

  /** Pagination options of every listing. */
  pages<Client>(client: Client, minimum = 0): { client: Client; pageSize?: number } {
    const size = this.options.pageSize;
    return { client, ...(size ? { pageSize: Math.max(minimum, size) } : {}) };
  }

  /**
   * The run id when the resource is due, else undefined. Only the run's own resources are ever due: a
   * resource with the run tag whose name (or instance profile) is not the run's is reported as not ours
   * and left; one without a usable expiry is reported and left.
   */
  private due(
    owner: Ownership | undefined,
    kind: ResourceKind,
    id: string,
    notOurs: (runId: string) => NotOurs,
  ): string | undefined {
    const { runId, olderThanMs } = this.options;
    if (!owner || (runId !== undefined && owner.runId !== runId)) return undefined;
    const reason = notOurs(owner.runId);
    if (reason !== undefined) {
      this.report.notOurs.push({ kind, id, runId: owner.runId, reason });
      return undefined;
    }
    if (runId !== undefined) return owner.runId;
    if (!owner.expiresAt) {
      this.report.unknownExpiry.push({ kind, id, runId: owner.runId, problem: owner.expiryProblem ?? 'missing' });
      return undefined;
    }
    const expires = owner.expiresAt.getTime();
    const startedAt = expires - RUN_TTL_MS;
    const old = olderThanMs !== undefined && this.now - startedAt >= olderThanMs;
    return expires <= this.now || old ? owner.runId : undefined;
  }

  /**
   * A resource a listing found: its deletion (`remove`, then `gone` to confirm) is queued when it is due.
   * Deletions wait until a listing is complete: deleting while paging shifts the pages (items are skipped).
   */
  deleteIfDue(
    kind: ResourceKind,
    id: string,
    owner: Ownership | undefined,
    notOurs: (runId: string) => NotOurs,
    deletion: { remove: () => Promise<void>; gone: () => Promise<boolean> },
  ): void {
    const runId = this.due(owner, kind, id, notOurs);
    if (!runId) return;
    this.pending.push({ resource: { kind, id, runId }, ...deletion });
    this.runs.add(runId);
  }

  /** The run named (`--run`) and every run something was due of. */
  runsSwept(): string[] {
    return [...new Set([...(this.options.runId ? [this.options.runId] : []), ...this.runs])];
  }

  async flush(): Promise<void> {
    for (const { resource, remove, gone } of this.pending) {
      if (this.options.dryRun) {
        this.report.deleted.push(resource);
        continue;
      }
      try {
        await remove();
        if (await gone()) this.report.deleted.push(resource);
        else this.report.failed.push({ ...resource, error: 'still there after its deletion' });
      } catch (error) {
        this.report.failed.push({ ...resource, error: error instanceof Error ? error.message : String(error) });
      }
    }
    this.pending = [];
  }
}

async function sweepInstances(sweeper: Sweeper): Promise<void> {
  const { clients } = sweeper;
  const filter = { Filters: [{ Name: 'tag-key', Values: [RUN_TAG] }] };
  for await (const page of paginateDescribeInstances(sweeper.pages(clients.ec2, 5), filter)) {
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        const id = instance.InstanceId;
        const state = instance.State?.Name;
        if (!id || state === 'terminated' || state === 'shutting-down') continue;
        const notOurs = (run: string) => instanceNotOurs(instance, reservation.OwnerId, run);
        sweeper.deleteIfDue('instance', id, ownership(instance.Tags), notOurs, {
          remove: () => terminateInstances(clients, [id]),
          gone: () => instanceGone(clients, id),
        });
      }
    }
  }
}

/** The harness names its clusters ecs-taskrole-…: other teams' clusters are not even described. */
async function sweepClusters(sweeper: Sweeper): Promise<void> {
  const { clients } = sweeper;
  const clusterArns: string[] = [];
  for await (const page of paginateListClusters(sweeper.pages(clients.ecs), {})) {
    clusterArns.push(...(page.clusterArns ?? []).filter((arn) => arn.split('/').pop()?.startsWith('ecs-taskrole-')));
  }
  for (let start = 0; start < clusterArns.length; start += 100) {
    const { clusters } = await clients.ecs.send(
      new DescribeClustersCommand({ clusters: clusterArns.slice(start, start + 100), include: ['TAGS'] }),
    );
    for (const cluster of clusters ?? []) {
      const name = cluster.clusterName;
      if (!name || cluster.status === 'INACTIVE') continue;
      sweeper.deleteIfDue('cluster', name, ownership(cluster.tags), (run) => clusterNotOurs(name, run), {
        remove: () => deleteCluster(clients, name),
        gone: () => clusterGone(clients, name),
      });
    }
  }
}

/**
 * familyPrefix is a whole family name (ECS API reference), not a prefix: the harness's families
 * (ecs-taskrole-<run>-cell) are picked out here instead.
 */
async function sweepTaskDefinitions(sweeper: Sweeper): Promise<void> {
  const { clients } = sweeper;
  for await (const page of paginateListTaskDefinitions(sweeper.pages(clients.ecs), { status: 'ACTIVE' })) {
    for (const arn of page.taskDefinitionArns ?? []) {
      if (!arn.split('/').pop()?.startsWith('ecs-taskrole-')) continue;
      const { tags } = await clients.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
      );
      sweeper.deleteIfDue('task-definition', arn, ownership(tags), (run) => taskDefinitionNotOurs(arn, run), {
        remove: () => deregisterTaskDefinition(clients, arn),
        gone: () => taskDefinitionGone(clients, arn),
      });
    }
  }
}

async function sweepLogGroups(sweeper: Sweeper): Promise<void> {
  const { clients } = sweeper;
  const listing = paginateDescribeLogGroups(sweeper.pages(clients.logs), { logGroupNamePrefix: '/ecs-taskrole/' });
  for await (const page of listing) {
    for (const group of page.logGroups ?? []) {
      const name = group.logGroupName;
      if (!name || !group.arn) continue;
      const { tags } = await clients.logs.send(new ListLogTagsCommand({ resourceArn: group.arn.replace(/:\*$/, '') }));
      sweeper.deleteIfDue('log-group', name, ownership(tags), (run) => logGroupNotOurs(name, run), {
        remove: () => deleteLogGroup(clients, name),
        gone: () => logGroupGone(clients, name),
      });
    }
  }
}

async function sweepInstanceProfiles(sweeper: Sweeper): Promise<void> {
  const { clients } = sweeper;
  for await (const page of paginateListInstanceProfiles(sweeper.pages(clients.iam), { PathPrefix: IAM_PATH })) {
    for (const profile of page.InstanceProfiles ?? []) {
      const name = profile.InstanceProfileName;
      if (!name) continue;
      // GetInstanceProfile carries the tags (moto has no ListInstanceProfileTags).
      const { InstanceProfile } = await clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
      const notOurs = (run: string) => iamNotOurs('instance-profile', { name, path: profile.Path }, run);
      sweeper.deleteIfDue('instance-profile', name, ownership(InstanceProfile?.Tags), notOurs, {
        remove: () => deleteInstanceProfile(clients, name),
        gone: () => gone(() => clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }))),
      });
    }
  }
}

async function sweepRoles(sweeper: Sweeper): Promise<void> {
  const { clients } = sweeper;
  for await (const page of paginateListRoles(sweeper.pages(clients.iam), { PathPrefix: IAM_PATH })) {
    for (const role of page.Roles ?? []) {
      const name = role.RoleName;
      if (!name) continue;
      const { Tags } = await clients.iam.send(new ListRoleTagsCommand({ RoleName: name }));
      const notOurs = (run: string) => iamNotOurs('role', { name, path: role.Path }, run);
      sweeper.deleteIfDue('role', name, ownership(Tags), notOurs, {
        remove: () => deleteRole(clients, name),
        gone: () => gone(() => clients.iam.send(new GetRoleCommand({ RoleName: name }))),
      });
    }
  }
}

/** True when the read fails with "not found". */
async function gone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (error) {
    if (isGone(error)) return true;
    throw error;
  }
}

/** A terminated instance is on its way out once it is shutting down. */
async function instanceGone(clients: AwsClients, id: string): Promise<boolean> {
  const result = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })).catch((error: unknown) => {
    if (isGone(error)) return undefined;
    throw error;
  });
  const state = result?.Reservations?.[0]?.Instances?.[0]?.State?.Name;
  return state === undefined || state === 'shutting-down' || state === 'terminated';
}

async function clusterGone(clients: AwsClients, name: string): Promise<boolean> {
  const { clusters } = await clients.ecs.send(new DescribeClustersCommand({ clusters: [name] }));
  return (clusters ?? []).every((cluster) => cluster.status === 'INACTIVE');
}

async function taskDefinitionGone(clients: AwsClients, arn: string): Promise<boolean> {
  const result = await clients.ecs
    .send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))
    .catch((error: unknown) => {
      if (isGone(error)) return undefined;
      throw error;
    });
  return result?.taskDefinition?.status !== 'ACTIVE';
}

async function logGroupGone(clients: AwsClients, name: string): Promise<boolean> {
  const { logGroups } = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return !(logGroups ?? []).some((group) => group.logGroupName === name);
}
