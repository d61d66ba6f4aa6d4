/**
 * iam:PassRole, checked where AWS checks it: RunTask (task and execution role, to ecs-tasks.amazonaws.com),
 * RunInstances (the instance profile's role, to ec2.amazonaws.com), AddRoleToInstanceProfile. The lab
 * evaluates the caller's own identity policies against the role's ARN and the service, so the specs vary
 * the policies and the roles, never an expected answer.
 */
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import {
  AddRoleToInstanceProfileCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { expect, test } from '@playwright/test';
import type { LabIdentity } from './control-plane/identities.ts';
import { postMotoAdmin } from './control-plane/moto-process.ts';
import { type Credentials, controlPlaneLab, unique } from './testing/control-plane-lab.ts';
import { serviceTrust, specRunTags } from './testing/spec-resources.ts';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

const TAGS = specRunTags('pass-role-spec');
const ECS_TASKS_TRUST = serviceTrust('ecs-tasks.amazonaws.com');
const NO_ALLOW = 'because no identity-based policy allows the iam:PassRole action';

const lab = controlPlaneLab('etr-pass-role-');
let harness: LabIdentity;
let cluster: string;

test.beforeAll(async () => {
  harness = lab.state.identities.harness;
  cluster = unique('ecs-taskrole-cluster');
  await ecs(harness).send(new CreateClusterCommand({ clusterName: cluster, tags: TAGS }));
});

type Signer = LabIdentity | Credentials;
const ecs = (signer: Signer) => new ECSClient(lab.client(signer));
const iam = (signer: Signer) => new IAMClient(lab.client(signer));
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => error,
  );
const denied = (callerArn: string, roleArn: string, why = NO_ALLOW) =>
  `User: ${callerArn} is not authorized to perform: iam:PassRole on resource: ${roleArn} ${why}`;

/**
 * What the harness policy may not make (a role outside /ecs-taskrole/, other users), made with the lab's
 * IAM enforcement paused, as the lab makes its own identities before switching it on.
 */
async function unenforced<T>(make: () => Promise<T>): Promise<T> {
  const resetAuth = (count: string) => postMotoAdmin(lab.state, '/moto-api/reset-auth', count);
  await resetAuth('inf');
  try {
    return await make();
  } finally {
    await resetAuth('0');
  }
}

const anyKey = { accessKeyId: 'lab-bootstrap', secretAccessKey: 'lab-bootstrap' };

async function role(path: string): Promise<string> {
  const created = await iam(anyKey).send(
    new CreateRoleCommand({
      RoleName: unique('ecs-taskrole-spec-task'),
      Path: path,
      AssumeRolePolicyDocument: ECS_TASKS_TRUST,
    }),
  );
  return created.Role?.Arn ?? '';
}

/** A user holding exactly `statements`, and its credentials. */
async function caller(statements: object[]): Promise<{ arn: string; credentials: Credentials }> {
  const userName = unique('caller');
  const user = await iam(anyKey).send(new CreateUserCommand({ UserName: userName }));
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  await iam(anyKey).send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'spec', PolicyDocument: policy }));
  const key = (await iam(anyKey).send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
  return {
    arn: user.User?.Arn ?? '',
    credentials: { accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' },
  };
}

async function taskDefinition(roles: { taskRoleArn: string; executionRoleArn?: string }): Promise<string> {
  const registered = await ecs(harness).send(
    new RegisterTaskDefinitionCommand({
      family: unique('ecs-taskrole-cell'),
      ...roles,
      containerDefinitions: [
        {
          name: 'client',
          image: 'public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0',
          memory: 128,
          essential: true,
        },
      ],
      tags: TAGS,
    }),
  );
  return registered.taskDefinition?.taskDefinitionArn ?? '';
}

const runTask = (signer: Signer, taskDefinitionArn: string) =>
  ecs(signer).send(new RunTaskCommand({ cluster, taskDefinition: taskDefinitionArn }));

async function tasksInCluster(): Promise<string[]> {
  return (await ecs(lab.state.identities.ecsService).send(new ListTasksCommand({ cluster }))).taskArns ?? [];
}

test('RunTask: a task role outside the harness policy’s PassRole scope is AccessDeniedException; no task', async () => {
  const outside = await unenforced(() => role('/elsewhere/'));
  const error = await refusal(runTask(harness, await taskDefinition({ taskRoleArn: outside })));
  expect(error?.name).toBe('AccessDeniedException');
  expect(error?.message).toBe(denied(harness.arn, outside));
  expect(await tasksInCluster()).toEqual([]);
});

test('RunTask: the execution role is passed too', async () => {
  const [inside, outside] = await unenforced(() => Promise.all([role('/ecs-taskrole/'), role('/elsewhere/')]));
  const definition = await taskDefinition({ taskRoleArn: inside, executionRoleArn: outside });
  const error = await refusal(runTask(harness, definition));
  expect(error?.message).toBe(denied(harness.arn, outside));
  // The same definition without the execution role passes the check: placement is next (no instances).
  const answer = await runTask(harness, await taskDefinition({ taskRoleArn: inside }));
  expect(answer.failures?.[0]?.reason).toBe('No Container Instances were found in your cluster.');
});

test('RunTask: iam:PassedToService is evaluated — a caller that may pass roles only to EC2 is refused', async () => {
  const passTo = (service: string) => [
    { Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*' },
    {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::*:role/ecs-taskrole/*',
      Condition: { StringEquals: { 'iam:PassedToService': service } },
    },
  ];
  const [inside, ec2Only, ecsTasks] = await unenforced(() =>
    Promise.all([
      role('/ecs-taskrole/'),
      caller(passTo('ec2.amazonaws.com')),
      caller(passTo('ecs-tasks.amazonaws.com')),
    ]),
  );
  const definition = await taskDefinition({ taskRoleArn: inside });
  const error = await refusal(runTask(ec2Only.credentials, definition));
  expect(error?.message).toBe(denied(ec2Only.arn, inside));
  const answer = await runTask(ecsTasks.credentials, definition);
  expect(answer.failures?.[0]?.reason).toBe('No Container Instances were found in your cluster.');
});

test('RunTask: an explicit Deny wins over an Allow', async () => {
  const inside = await unenforced(() => role('/ecs-taskrole/'));
  const denying = await unenforced(() =>
    caller([
      { Effect: 'Allow', Action: ['ecs:RunTask', 'iam:PassRole'], Resource: '*' },
      { Effect: 'Deny', Action: 'iam:PassRole', Resource: inside },
    ]),
  );
  const error = await refusal(runTask(denying.credentials, await taskDefinition({ taskRoleArn: inside })));
  expect(error?.name).toBe('AccessDeniedException');
  expect(error?.message).toBe(denied(denying.arn, inside, 'with an explicit deny in an identity-based policy'));
});

test('RunTask: action names are case-insensitive, as in IAM (`IAM:passrole` grants it)', async () => {
  const [inside, lowerCase] = await unenforced(() =>
    Promise.all([
      role('/ecs-taskrole/'),
      caller([{ Effect: 'Allow', Action: ['ecs:RunTask', 'IAM:passrole'], Resource: '*' }]),
    ]),
  );
  const answer = await runTask(lowerCase.credentials, await taskDefinition({ taskRoleArn: inside }));
  expect(answer.failures?.[0]?.reason).toBe('No Container Instances were found in your cluster.');
});

test('RunInstances: an instance profile whose role the caller may not pass is UnauthorizedOperation', async () => {
  const profileName = unique('ecs-taskrole-profile');
  const outside = await unenforced(async () => {
    const arn = await role('/elsewhere/');
    await iam(anyKey).send(
      new CreateInstanceProfileCommand({ InstanceProfileName: profileName, Path: '/ecs-taskrole/' }),
    );
    await iam(anyKey).send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: arn.split('/').pop() }),
    );
    return arn;
  });
  const ec2 = new EC2Client(lab.client(harness));
  const error = await refusal(
    ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12345678',
        InstanceType: 't3.small',
        MinCount: 1,
        MaxCount: 1,
        IamInstanceProfile: { Name: profileName },
      }),
    ),
  );
  expect(error?.name).toBe('UnauthorizedOperation');
  expect(error?.message).toBe(`You are not authorized to perform this operation. ${denied(harness.arn, outside)}`);
});

test('AddRoleToInstanceProfile: the caller needs PassRole on the role', async () => {
  const profileName = unique('ecs-taskrole-profile');
  const { outside, adder } = await unenforced(async () => {
    await iam(anyKey).send(new CreateInstanceProfileCommand({ InstanceProfileName: profileName }));
    return {
      outside: await role('/elsewhere/'),
      adder: await caller([
        { Effect: 'Allow', Action: 'iam:AddRoleToInstanceProfile', Resource: '*' },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/ecs-taskrole/*' },
      ]),
    };
  });
  const error = await refusal(
    iam(adder.credentials).send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: outside.split('/').pop() }),
    ),
  );
  expect(error?.name).toBe('AccessDenied');
  expect(error?.message).toBe(denied(adder.arn, outside));
});
