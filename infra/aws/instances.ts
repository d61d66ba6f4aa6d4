import { setTimeout as sleep } from 'node:timers/promises';
import { type InstanceMetadataOptionsRequest, RebootInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  type ContainerInstance,
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
} from '@aws-sdk/client-ecs';
import { HARNESS_INSTANCE_TYPE } from '../../core/caps.ts';
import { LAUNCH_ORDER_TAG_KEY } from '../../core/harness-tags.ts';
import { metadataOptionsOf } from '../../core/matrix/dimensions.ts';
import type { InstanceGroup } from '../../core/matrix/instance-groups.ts';
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

/**
 * Waits until each instance's agent registered in the cluster (ACTIVE, agent connected), or until the
 * deadline (epoch ms). Instances still missing are absent from the result. `pollMs`: between two looks
 * (every waiting cell of every worker asks: on AWS, seconds apart keep ECS from throttling the account).
 */
export async function waitForRegistrations(
  clients: AwsClients,
  cluster: string,
  instanceIds: readonly string[],
  options: { deadline: number; pollMs?: number },
): Promise<Map<string, Registration>> {
  const registered = new Map<string, Registration>();
  for (;;) {
    for (const instance of await containerInstances(clients, cluster)) {
      if (!instance.ec2InstanceId || !instanceIds.includes(instance.ec2InstanceId)) continue;
      if (instance.status !== 'ACTIVE' || instance.agentConnected === false) continue;
      registered.set(instance.ec2InstanceId, registrationOf(instance));
    }
    if (registered.size === instanceIds.length || Date.now() >= options.deadline) return registered;
    await sleep(options.pollMs ?? POLL_MS);
  }
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
