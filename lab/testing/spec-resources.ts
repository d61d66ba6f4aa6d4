/**
 * For specs and benchmarks: roles, instance profiles, tags and instances as the harness makes them, for a
 * spec's own resources in a lab.
 */
import { EC2Client, RunInstancesCommand, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { EXPIRES_TAG_KEY, RUN_TAG_KEY } from '../../core/harness-tags.ts';
import { ECS_INSTANCE_MANAGED_POLICY } from '../../infra/aws/roles.ts';

/**
 * A trust policy that lets an AWS service (`ec2.amazonaws.com`, `ecs-tasks.amazonaws.com`) assume the role,
 * under the condition given.
 */
export function serviceTrust(service: string, condition?: Record<string, unknown>): string {
  const statement = { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [condition ? { ...statement, Condition: condition } : statement],
  });
}

/** The tags of a spec's resources, as a run's: its run id and an expiry far ahead (sweep leaves them). */
export function specRunTags(runId: string): { key: string; value: string }[] {
  return [
    { key: RUN_TAG_KEY, value: runId },
    { key: EXPIRES_TAG_KEY, value: '2099-01-01T00:00:00Z' },
  ];
}

export interface InstanceAndTaskRoleNames {
  instanceRole: string;
  instanceProfile: string;
  taskRole: string;
}

/**
 * As provisioning makes them (path /ecs-taskrole/): an instance role with ECS's managed policy for container
 * instances in its instance profile, and a task role ECS tasks may assume (no permissions). Returns the task
 * role's ARN.
 */
export async function createInstanceAndTaskRoles(iam: IAMClient, names: InstanceAndTaskRoleNames): Promise<string> {
  const path = '/ecs-taskrole/';
  const { instanceRole, instanceProfile } = names;
  await iam.send(
    new CreateRoleCommand({
      RoleName: instanceRole,
      Path: path,
      AssumeRolePolicyDocument: serviceTrust('ec2.amazonaws.com'),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: instanceRole, PolicyArn: ECS_INSTANCE_MANAGED_POLICY }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: instanceProfile, Path: path }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: instanceProfile, RoleName: instanceRole }));
  const taskRole = await iam.send(
    new CreateRoleCommand({
      RoleName: names.taskRole,
      Path: path,
      AssumeRolePolicyDocument: serviceTrust('ecs-tasks.amazonaws.com'),
    }),
  );
  return taskRole.Role?.Arn ?? '';
}

/** Where a spec's SDK clients send their calls, signed as whom. */
export interface SpecClientConfig {
  endpoint: string;
  region: string;
  maxAttempts: number;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface SpecInstance extends Pick<RunInstancesCommandInput, 'UserData' | 'MetadataOptions'> {
  /** The SSM parameter that names the AMI (as the harness resolves its AMIs). */
  amiParameter: string;
  instanceProfile: string;
  /** The run tag's value: the lab's data plane boots only instances carrying one. */
  runId: string;
}

/** Launches one t3.micro as a run's instance; its id. */
export async function launchSpecInstance(config: SpecClientConfig, instance: SpecInstance): Promise<string> {
  const ami = await new SSMClient(config).send(new GetParameterCommand({ Name: instance.amiParameter }));
  const launched = await new EC2Client(config).send(
    new RunInstancesCommand({
      ImageId: ami.Parameter?.Value,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      IamInstanceProfile: { Name: instance.instanceProfile },
      ...(instance.UserData ? { UserData: instance.UserData } : {}),
      ...(instance.MetadataOptions ? { MetadataOptions: instance.MetadataOptions } : {}),
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: RUN_TAG_KEY, Value: instance.runId }] }],
    }),
  );
  return launched.Instances?.[0]?.InstanceId ?? '';
}
