/**
 * RunTask refuses a task role the ECS service cannot assume, as AWS does: a ClientException naming the
 * role, and no task. The lab decides by evaluating the role's trust policy as its ECS-service user (the
 * same evaluation the data plane's AssumeRole gets), so the specs vary the trust policy, not an expectation.
 */
import {
  CreateClusterCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { expect, test } from '@playwright/test';
import type { LabIdentity } from './control-plane/identities.ts';
import { controlPlaneLab, unique } from './testing/control-plane-lab.ts';
import { serviceTrust, specRunTags } from './testing/spec-resources.ts';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

const RUN_TAGS = specRunTags('run-task-role-spec');

const lab = controlPlaneLab('etr-run-task-role-');
let cluster: string;

test.beforeAll(async () => {
  cluster = unique('ecs-taskrole-cluster');
  await ecs(lab.state.identities.harness).send(new CreateClusterCommand({ clusterName: cluster, tags: RUN_TAGS }));
});

const ecs = (identity: LabIdentity) => new ECSClient(lab.client(identity));

async function role(trustPolicy: string): Promise<string> {
  const created = await new IAMClient(lab.client(lab.state.identities.harness)).send(
    new CreateRoleCommand({
      RoleName: unique('ecs-taskrole-spec-task'),
      Path: '/ecs-taskrole/',
      AssumeRolePolicyDocument: trustPolicy,
    }),
  );
  return created.Role?.Arn ?? '';
}

async function taskDefinition(taskRoleArn: string): Promise<string> {
  const registered = await ecs(lab.state.identities.harness).send(
    new RegisterTaskDefinitionCommand({
      family: unique('ecs-taskrole-cell'),
      taskRoleArn,
      containerDefinitions: [
        {
          name: 'client',
          image: 'public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0',
          memory: 128,
          essential: true,
        },
      ],
      tags: RUN_TAGS,
    }),
  );
  return registered.taskDefinition?.taskDefinitionArn ?? '';
}

/** RunTask as the harness: the answer, or the error it was refused with. */
function runTask(definition: string, overrideRole?: string) {
  return ecs(lab.state.identities.harness)
    .send(
      new RunTaskCommand({
        cluster,
        taskDefinition: definition,
        ...(overrideRole ? { overrides: { taskRoleArn: overrideRole } } : {}),
      }),
    )
    .then(
      (answer) => ({ answer, refused: undefined }),
      (error: Error) => ({ answer: undefined, refused: error }),
    );
}

const refusalText = (roleArn: string) =>
  `ECS was unable to assume the role '${roleArn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`;

async function tasksInCluster(): Promise<string[]> {
  const listed = await ecs(lab.state.identities.ecsService).send(new ListTasksCommand({ cluster }));
  return listed.taskArns ?? [];
}

test('a task role that trusts only ec2 is refused by RunTask itself: ClientException, no task', async () => {
  const ec2Only = await role(serviceTrust('ec2.amazonaws.com'));
  const { answer, refused } = await runTask(await taskDefinition(ec2Only));
  expect(answer).toBeUndefined();
  expect(refused?.name).toBe('ClientException');
  expect(refused?.message).toBe(refusalText(ec2Only));
  expect(await tasksInCluster()).toEqual([]);
});

test('aws:SourceAccount of another account is refused; of this account it is not', async () => {
  const account = lab.state.identities.harness.arn.split(':')[4];
  const otherAccount = await role(
    serviceTrust('ecs-tasks.amazonaws.com', { StringEquals: { 'aws:SourceAccount': '111122223333' } }),
  );
  const refused = await runTask(await taskDefinition(otherAccount));
  expect(refused.refused?.message).toBe(refusalText(otherAccount));
  const ownAccount = await role(
    serviceTrust('ecs-tasks.amazonaws.com', { StringEquals: { 'aws:SourceAccount': account } }),
  );
  const accepted = await runTask(await taskDefinition(ownAccount));
  expect(accepted.refused).toBeUndefined();
  // Past the role check: no instance in the cluster, so placement fails (a failure entry, not an error).
  expect(accepted.answer?.failures?.[0]?.reason).toBe('No Container Instances were found in your cluster.');
});

test("overrides.taskRoleArn is the role RunTask checks, whatever the task definition's role", async () => {
  const trusted = await role(serviceTrust('ecs-tasks.amazonaws.com'));
  const ec2Only = await role(serviceTrust('ec2.amazonaws.com'));
  const { refused } = await runTask(await taskDefinition(trusted), ec2Only);
  expect(refused?.message).toBe(refusalText(ec2Only));
  expect(await tasksInCluster()).toEqual([]);
});
