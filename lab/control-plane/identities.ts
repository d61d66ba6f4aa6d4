import { readFile } from 'node:fs/promises';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';

/** An IAM user of the lab with its access key (kept only in the owner-only lab state file). */
export interface LabIdentity {
  userName: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface LabIdentities {
  /** The harness: holds exactly fixtures/iam/harness-policy.json, the policy the README asks for on AWS. */
  harness: LabIdentity;
  /** The data plane's reader: finds launched instances, their user data, AMIs and instance profiles. */
  dataPlane: LabIdentity;
  /** Stands in for the ECS service: reads the tasks placed on an instance and assumes task roles. */
  ecsService: LabIdentity;
  /** Stands in for EC2: assumes an instance profile's role to serve it from the instance's IMDS. */
  ec2Service: LabIdentity;
}

/**
 * IAM user name → the service principal it acts as. moto-lab/lab_policy.py reads this map (ECS_TASKROLE_LAB_SERVICES)
 * and evaluates `Principal: {Service: …}` trust statements for these users as AWS does for the service.
 */
export const LAB_SERVICE_USERS = {
  'ecs-taskrole-lab-ecs-tasks': 'ecs-tasks.amazonaws.com',
  'ecs-taskrole-lab-ec2': 'ec2.amazonaws.com',
} as const;

const HARNESS_POLICY_FILE = new URL('../../fixtures/iam/harness-policy.json', import.meta.url);

const allow = (actions: string[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

const DATA_PLANE_POLICY = allow([
  'ec2:DescribeInstances',
  'ec2:DescribeInstanceAttribute',
  'ec2:DescribeImages',
  'iam:GetInstanceProfile',
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
]);
const ECS_SERVICE_POLICY = allow([
  'sts:AssumeRole',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'ecs:DescribeTaskDefinition',
  'ecs:StopTask',
]);
// Also what EC2 does when an instance shuts itself down (InstanceInitiatedShutdownBehavior).
const EC2_SERVICE_POLICY = allow(['sts:AssumeRole', 'ec2:StopInstances', 'ec2:TerminateInstances']);

/** Creates the lab's identities; must run before IAM enforcement is switched on (any key signs until then). */
export async function bootstrapIdentities(endpoint: string, region: string): Promise<LabIdentities> {
  const iam = new IAMClient({
    endpoint,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'lab-bootstrap', secretAccessKey: 'lab-bootstrap' },
  });
  const create = async (userName: string, policy: string): Promise<LabIdentity> => {
    const user = await iam.send(new CreateUserCommand({ UserName: userName, Path: '/ecs-taskrole-lab/' }));
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'lab', PolicyDocument: policy }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey || !user.User?.Arn) {
      throw new Error(`moto returned no access key for lab user ${userName}`);
    }
    return { userName, arn: user.User.Arn, accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  };
  const harnessPolicy = await readFile(HARNESS_POLICY_FILE, 'utf8');
  const [harness, dataPlane, ecsService, ec2Service] = await Promise.all([
    create('ecs-taskrole-harness', harnessPolicy),
    create('ecs-taskrole-lab-data-plane', DATA_PLANE_POLICY),
    create('ecs-taskrole-lab-ecs-tasks', ECS_SERVICE_POLICY),
    create('ecs-taskrole-lab-ec2', EC2_SERVICE_POLICY),
  ]);
  return { harness, dataPlane, ecsService, ec2Service };
}

/** SDK credentials of a lab identity. */
export function credentialsOf(identity: LabIdentity): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey };
}
