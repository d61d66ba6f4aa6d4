import { setTimeout as sleep } from 'node:timers/promises';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeContainerInstancesCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import type { InstanceGroup } from '../../matrix/instance-groups.ts';
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
  options: { amiId: string; instanceProfileName: string; userData: string; tags: Tag[]; name: string },
): Promise<LaunchedGroup> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await clients.ec2.send(
        new RunInstancesCommand({
          ImageId: options.amiId,
          InstanceType: 't3.small',
          MinCount: 1,
          MaxCount: 1,
          IamInstanceProfile: { Name: options.instanceProfileName },
          UserData: Buffer.from(options.userData).toString('base64'),
          // IMDSv2 with hop limit 2 so bridge-mode containers reach IMDS unless a rule blocks it (AWS default for ECS AMIs).
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                ...options.tags,
                { Key: 'Name', Value: options.name },
                { Key: 'ecs-taskrole:group', Value: group.id },
              ],
            },
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

export interface Registration {
  containerInstanceArn: string;
  agentVersion?: string;
}

/**
 * Waits until each instance's agent registered in the cluster (ACTIVE, agent connected). Instances still
 * missing at the deadline are absent from the result: their cells are NOT_PLACED, with the reason.
 */
export async function waitForRegistrations(
  clients: AwsClients,
  cluster: string,
  instanceIds: readonly string[],
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<Map<string, Registration>> {
  const registered = new Map<string, Registration>();
  const deadline = Date.now() + options.timeoutMs;
  while (registered.size < instanceIds.length && Date.now() < deadline && !options.signal?.aborted) {
    const arns = (await clients.ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ?? [];
    for (let start = 0; start < arns.length; start += 100) {
      const { containerInstances } = await clients.ecs.send(
        new DescribeContainerInstancesCommand({ cluster, containerInstances: arns.slice(start, start + 100) }),
      );
      // Newest registration wins: after a reboot an agent without saved state registers anew.
      const sorted = [...(containerInstances ?? [])].sort(
        (a, b) => (a.registeredAt?.getTime() ?? 0) - (b.registeredAt?.getTime() ?? 0),
      );
      for (const instance of sorted) {
        if (!instance.ec2InstanceId || !instanceIds.includes(instance.ec2InstanceId)) continue;
        if (instance.status !== 'ACTIVE' || instance.agentConnected === false) continue;
        registered.set(instance.ec2InstanceId, {
          containerInstanceArn: instance.containerInstanceArn ?? '',
          agentVersion: instance.versionInfo?.agentVersion,
        });
      }
    }
    if (registered.size < instanceIds.length) await sleep(500);
  }
  return registered;
}
