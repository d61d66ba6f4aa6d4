import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeInstancesCommand,
  type InstanceMetadataOptionsRequest,
  RebootInstancesCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  type ContainerInstance,
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
} from '@aws-sdk/client-ecs';
import { HARNESS_INSTANCE_TYPE } from '../../core/caps.ts';
import { LAUNCH_ORDER_TAG_KEY } from '../../core/harness-tags.ts';
import { metadataOptionsOf } from '../../core/matrix/dimensions.ts';
import type { InstanceGroup } from '../../core/matrix/instance-groups.ts';
import { quoteForMessage } from '../../core/text/safe-text.ts';
import type { AwsClients } from './clients.ts';
import type { Tag } from './tags.ts';

export interface LaunchedGroup {
  instanceId: string;
  amiId: string;
}

/** IAM is eventually consistent: a new instance profile can be unknown to EC2 for a few seconds. */
const PROFILE_PROPAGATION_RETRIES = 10;

export async function launchInstance(
  clients: AwsClients,
  group: InstanceGroup,
  options: {
    amiId: string;
    instanceProfileName: string;
    userData: string;
    tags: Tag[];
    name: string;
    /** Its place in the run's launch order (LAUNCH_ORDER_TAG_KEY). */
    launchOrder: number;
  },
): Promise<LaunchedGroup> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await clients.ec2.send(
        new RunInstancesCommand({
          ImageId: options.amiId,
          // The only type the harness policy lets it launch.
          InstanceType: HARNESS_INSTANCE_TYPE,
          MinCount: 1,
          MaxCount: 1,
          IamInstanceProfile: { Name: options.instanceProfileName },
          UserData: Buffer.from(options.userData).toString('base64'),
          // The user data shuts the instance down at the run's expiry: that ends it, whatever became of the run.
          InstanceInitiatedShutdownBehavior: 'terminate',
          // Always explicit, so the cell's imdsOptions decides and not the AMI's ImdsSupport or an account default.
          MetadataOptions: metadataOptions(group),
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                ...options.tags,
                { Key: 'Name', Value: options.name },
                { Key: 'ecs-taskrole:group', Value: group.id },
                { Key: LAUNCH_ORDER_TAG_KEY, Value: String(options.launchOrder) },
              ],
            },
            // Tagged at creation too: the harness policy launches only volumes that carry the run tags.
            { ResourceType: 'volume', Tags: options.tags },
          ],
        }),
      );
      const instanceId = response.Instances?.[0]?.InstanceId;
      if (!instanceId) throw new Error('RunInstances returned no instance');
      return { instanceId, amiId: options.amiId };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= PROFILE_PROPAGATION_RETRIES || !/instance profile/i.test(message)) throw error;
      await sleep(2_000 * attempt);
    }
  }
}

/**
 * Why RunInstances refused a `v1-*` group's launch, when the account is the cause: an account IMDS default
 * with `HttpTokensEnforced` (EC2 API Reference, InstanceMetadataDefaultsResponse: "the instance can't launch
 * unless IMDSv2 (HttpTokens) is set to required"), a declarative policy that manages it, or an SCP on
 * `ec2:MetadataHttpTokens` (UnauthorizedOperation). Its cells are then an infrastructure error with this
 * cause, not a crash of the run; any other failure is undefined (it stops provisioning as before).
 */
export function imdsLaunchRefusal(group: InstanceGroup, error: unknown): string | undefined {
  if (metadataOptionsOf(group.instance.imdsOptions).httpTokens !== 'optional') return undefined;
  const { name, message, $fault } = (error ?? {}) as { name?: string; message?: string; $fault?: string };
  if ($fault !== 'client' || !name) return undefined;
  const aboutImds = /metadata|IMDS|HttpTokens|declarative/i.test(message ?? '');
  if (!aboutImds && name !== 'UnauthorizedOperation') return undefined;
  return (
    `the account refused a launch with HttpTokens=optional (${group.instance.imdsOptions}): ${name}: ${message ?? ''} ` +
    '— an IMDS default with enforcement, a declarative policy or an SCP on ec2:MetadataHttpTokens refuses IMDSv1 instances in this account and Region'
  );
}

function metadataOptions(group: InstanceGroup): InstanceMetadataOptionsRequest {
  const { httpTokens, hopLimit } = metadataOptionsOf(group.instance.imdsOptions);
  return { HttpTokens: httpTokens, HttpPutResponseHopLimit: hopLimit, HttpEndpoint: 'enabled' };
}

export interface Registration {
  containerInstanceArn: string;
  agentVersion?: string;
}

export interface RegistrationWait {
  /** Instances whose agent registered. */
  registered: Map<string, Registration>;
  /**
   * Instances EC2 shows stopping, stopped, shutting down or terminated before their agent registered (an
   * internal error at launch, a user data that powered off, someone else's termination), with EC2's state
   * and reason: the harness starts none again, so none of them will register.
   */
  ended: Map<string, string>;
}

/**
 * Waits until each instance's agent registered in the cluster (ACTIVE, agent connected) or its instance
 * ended, or until the deadline (epoch ms). Instances still missing are in neither map. `pollMs`: between
 * two looks at the cluster (every waiting cell of every worker asks: on AWS, seconds apart keep ECS from
 * throttling the account); EC2 is asked about the instances' state at most every STATE_CHECK_MS.
 */
export async function waitForRegistrations(
  clients: AwsClients,
  cluster: string,
  instanceIds: readonly string[],
  options: { deadline: number; pollMs?: number },
): Promise<RegistrationWait> {
  const wait: RegistrationWait = { registered: new Map(), ended: new Map() };
  let nextStateCheck = 0;
  for (;;) {
    for (const instance of await containerInstances(clients, cluster)) {
      if (!instance.ec2InstanceId || !instanceIds.includes(instance.ec2InstanceId)) continue;
      if (instance.status !== 'ACTIVE' || instance.agentConnected === false) continue;
      wait.registered.set(instance.ec2InstanceId, registrationOf(instance));
    }
    const waiting = instanceIds.filter((id) => !wait.registered.has(id) && !wait.ended.has(id));
    if (waiting.length > 0 && Date.now() >= nextStateCheck) {
      for (const [id, why] of await endedInstances(clients, waiting)) wait.ended.set(id, why);
      nextStateCheck = Date.now() + STATE_CHECK_MS;
    }
    const settled = wait.registered.size + wait.ended.size === instanceIds.length;
    if (settled || Date.now() >= options.deadline) return wait;
    await sleep(options.pollMs ?? POLL_MS);
  }
}

/** EC2 states from which an instance's agent cannot register (the harness never starts one again). */
const ENDED_STATES = new Set(['shutting-down', 'terminated', 'stopping', 'stopped']);
/** How often a registration wait asks EC2 whether its instances still run: a fraction of any registration. */
const STATE_CHECK_MS = 10_000;
/** EC2's state reason, as the cell's result quotes it. */
const MAX_STATE_REASON_CHARS = 800;

/**
 * Which of `instanceIds` EC2 shows ended, with its state and reason. A failed look (an instance EC2 does not
 * know yet, right after its launch) decides nothing: the next look asks again.
 */
async function endedInstances(clients: AwsClients, instanceIds: readonly string[]): Promise<Map<string, string>> {
  const ended = new Map<string, string>();
  const described = await clients.ec2
    .send(new DescribeInstancesCommand({ InstanceIds: [...instanceIds] }))
    .catch(() => undefined);
  for (const instance of (described?.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])) {
    const state = instance.State?.Name;
    if (!instance.InstanceId || !state || !ENDED_STATES.has(state)) continue;
    const reason = instance.StateReason?.Message;
    const why = reason ? ` (${quoteForMessage(reason, MAX_STATE_REASON_CHARS)})` : '';
    ended.set(instance.InstanceId, `EC2 shows the instance ${state}${why}`);
  }
  return ended;
}

/**
 * Reboots an instance (hostRules=not-saved-rebooted: rules added by hand do not survive it) and waits for
 * its agent to be back after `before` (its registration before the reboot): a new registration (an agent
 * without saved state), or the same container instance seen disconnected and connected again (an agent
 * with saved state, as on ECS AMIs). No clock is compared: a registration a moment old is not "back".
 */
export async function rebootAndWaitForAgent(
  clients: AwsClients,
  cluster: string,
  instanceId: string,
  before: Registration,
  options: { timeoutMs: number },
): Promise<Registration | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  await clients.ec2.send(new RebootInstancesCommand({ InstanceIds: [instanceId] }));
  let sawDisconnected = false;
  while (Date.now() < deadline) {
    const mine = (await containerInstances(clients, cluster)).filter(
      (instance) => instance.ec2InstanceId === instanceId && instance.status === 'ACTIVE',
    );
    const same = (instance: ContainerInstance) => instance.containerInstanceArn === before.containerInstanceArn;
    if (mine.some((instance) => same(instance) && instance.agentConnected === false)) sawDisconnected = true;
    const back = mine.find((instance) => instance.agentConnected !== false && (!same(instance) || sawDisconnected));
    if (back) return registrationOf(back);
    await sleep(POLL_MS);
  }
  return undefined;
}

const POLL_MS = 500;

function registrationOf(instance: ContainerInstance): Registration {
  return {
    containerInstanceArn: instance.containerInstanceArn ?? '',
    ...(instance.versionInfo?.agentVersion ? { agentVersion: instance.versionInfo.agentVersion } : {}),
  };
}

/** Every container instance of the cluster, oldest registration first. */
async function containerInstances(clients: AwsClients, cluster: string): Promise<ContainerInstance[]> {
  const arns = (await clients.ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ?? [];
  const all: ContainerInstance[] = [];
  for (let start = 0; start < arns.length; start += 100) {
    const { containerInstances } = await clients.ecs.send(
      new DescribeContainerInstancesCommand({ cluster, containerInstances: arns.slice(start, start + 100) }),
    );
    all.push(...(containerInstances ?? []));
  }
  return all.sort((a, b) => (a.registeredAt?.getTime() ?? 0) - (b.registeredAt?.getTime() ?? 0));
}
