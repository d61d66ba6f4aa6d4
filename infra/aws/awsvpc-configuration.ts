import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { NetworkConfiguration } from '@aws-sdk/client-ecs';
import { InfrastructureError } from '../../core/errors.ts';
import type { AwsClients } from './clients.ts';

/**
 * RunTask's networkConfiguration for an awsvpc task on a given instance: ECS creates the task's ENI in one
 * of these subnets and attaches it to the instance, so the subnet is the instance's own (an ENI must be in
 * the instance's Availability Zone), and the security groups are the instance's. ECS itself creates and
 * attaches the ENI, with its service-linked role (AWSServiceRoleForECS), not the harness's permissions.
 * The ENI has no public address: in a subnet without a NAT gateway (a default VPC) the task reaches no
 * AWS API and no package repository (README, "Running on AWS").
 */
export async function awsvpcConfigurationFor(clients: AwsClients, instanceId: string): Promise<NetworkConfiguration> {
  const answer = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = answer.Reservations?.[0]?.Instances?.[0];
  const subnet = instance?.SubnetId;
  const securityGroups = (instance?.SecurityGroups ?? []).flatMap((group) => (group.GroupId ? [group.GroupId] : []));
  if (!subnet || securityGroups.length === 0) {
    throw new InfrastructureError(`instance ${instanceId} has no subnet or security group for an awsvpc task's ENI`);
  }
  // No assignPublicIp: an ENI of the EC2 launch type never gets a public address (Fargate only).
  return { awsvpcConfiguration: { subnets: [subnet], securityGroups } };
}
