/**
 * The EC2 instances the harness launched (tag key `ecs-taskrole:run`), read from the control plane's EC2
 * API, with what booting one needs: user data, instance profile role, metadata options.
 */
import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, type IAMClient } from '@aws-sdk/client-iam';
import { LAUNCH_ORDER_TAG_KEY, RUN_TAG_KEY } from '../../../core/harness-tags.ts';
import type { ImdsNetworkInterface } from '../network/vpc/instance-metadata.ts';

/** moto-lab/lab_ec2.py counts RebootInstances calls in this tag. */
export const REBOOTS_TAG_KEY = 'ecs-taskrole-lab:reboots';

export interface LaunchedInstance {
  instanceId: string;
  state: string;
  imageId: string;
  instanceType: string | undefined;
  availabilityZone: string | undefined;
  instanceProfileArn: string | undefined;
  httpTokens: 'optional' | 'required' | undefined;
  httpPutResponseHopLimit: number | undefined;
  /** RebootInstances calls so far. */
  reboots: number;
  /** Its LAUNCH_ORDER_TAG_KEY; undefined for an instance launched without one. */
  launchOrder: number | undefined;
  /** Its primary ENI (device index 0), which its IMDS describes; undefined when EC2 reports none. */
  primaryInterface: ImdsNetworkInterface | undefined;
}

type DescribedInterface = NonNullable<Instance['NetworkInterfaces']>[number];

/** The interface at device index 0, when EC2 reports its MAC, subnet and VPC. */
function primaryInterfaceOf(interfaces: readonly DescribedInterface[] | undefined): ImdsNetworkInterface | undefined {
  const eni = interfaces?.find((candidate) => (candidate.Attachment?.DeviceIndex ?? 0) === 0);
  if (!eni?.MacAddress || !eni.NetworkInterfaceId || !eni.SubnetId || !eni.VpcId) return undefined;
  return {
    mac: eni.MacAddress,
    interfaceId: eni.NetworkInterfaceId,
    subnetId: eni.SubnetId,
    vpcId: eni.VpcId,
    securityGroupIds: (eni.Groups ?? []).flatMap((group) => (group.GroupId ? [group.GroupId] : [])),
  };
}

/** States in which an instance runs (or is about to). */
export const RUNNING_STATES = new Set(['pending', 'running']);

export async function launchedInstances(ec2: EC2Client): Promise<LaunchedInstance[]> {
  const instances: LaunchedInstance[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: [RUN_TAG_KEY] }], NextToken }),
    );
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        if (!instance.InstanceId) continue;
        const tokens = instance.MetadataOptions?.HttpTokens;
        instances.push({
          instanceId: instance.InstanceId,
          state: instance.State?.Name ?? 'unknown',
          imageId: instance.ImageId ?? '',
          instanceType: instance.InstanceType,
          availabilityZone: instance.Placement?.AvailabilityZone,
          instanceProfileArn: instance.IamInstanceProfile?.Arn,
          httpTokens: tokens === 'required' || tokens === 'optional' ? tokens : undefined,
          httpPutResponseHopLimit: instance.MetadataOptions?.HttpPutResponseHopLimit,
          reboots: Number(tagValue(instance.Tags, REBOOTS_TAG_KEY) ?? 0),
          launchOrder: orderOf(tagValue(instance.Tags, LAUNCH_ORDER_TAG_KEY)),
          primaryInterface: primaryInterfaceOf(instance.NetworkInterfaces),
        });
      }
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return instances;
}

const tagValue = (tags: { Key?: string; Value?: string }[] | undefined, key: string) =>
  tags?.find((tag) => tag.Key === key)?.Value;

function orderOf(value: string | undefined): number | undefined {
  const order = Number(value);
  return value !== undefined && Number.isSafeInteger(order) && order >= 0 ? order : undefined;
}

export async function userDataOf(ec2: EC2Client, instanceId: string): Promise<string> {
  const attribute = await ec2.send(
    new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }),
  );
  const encoded = attribute.UserData?.Value;
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
}

/** The role of an instance profile (`arn:…:instance-profile/<path>/<name>`), or undefined without one. */
export async function instanceProfileRoleArn(
  iam: IAMClient,
  profileArn: string | undefined,
): Promise<string | undefined> {
  const name = profileArn?.split('/').pop();
  if (!name) return undefined;
  const profile = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
  return profile.InstanceProfile?.Roles?.[0]?.Arn;
}
