/**
 * The data plane end to end (startDataPlane in data-plane/index.ts) against the lab's control plane (`lab up`
 * in a private state directory): an instance the harness launches with the run tag boots (host simulator,
 * user data, ecs-init, lab agent), registers, runs the baseline task in bridge and host mode, and is
 * removed when terminated.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { expect, test } from '@playwright/test';
import { credentialsOf } from './control-plane/identities.ts';
import { type DataPlane, labControlPlane, startDataPlane } from './data-plane/index.ts';
import type { LabNetwork } from './data-plane/network/lab-network.ts';
import { linkExists } from './data-plane/network/netns.ts';
import { labDown, labUp } from './lab-lifecycle.ts';
import { createInstanceAndTaskRoles, launchSpecInstance } from './testing/spec-resources.ts';

test.describe.configure({ mode: 'serial', timeout: 540_000 });

const CLUSTER = 'lab-data-plane-spec';

test.describe('data plane with the lab control plane (needs root: namespaces)', () => {
  let stateDir = '';
  let REGION = '';
  let dataPlane: DataPlane | undefined;
  let instanceId = '';
  let taskRoleArn = '';
  const lines: string[] = [];
  let aws: {
    endpoint: string;
    region: string;
    maxAttempts: number;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };

  test.beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'data-plane-spec-'));
    const { lab } = await labUp(stateDir);
    REGION = lab.region;
    // The harness's identity: enforcement is on, and it holds exactly the harness policy.
    aws = {
      endpoint: lab.endpoint,
      region: REGION,
      maxAttempts: 1,
      credentials: credentialsOf(lab.identities.harness),
    };
    await new ECSClient(aws).send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await new CloudWatchLogsClient(aws).send(new CreateLogGroupCommand({ logGroupName: 'ecs-tasks' }));
    const iam = new IAMClient(aws);
    taskRoleArn = await createInstanceAndTaskRoles(iam, {
      instanceRole: 'ecs-taskrole-lab-instance-role',
      instanceProfile: 'ecs-taskrole-lab-instance-profile',
      taskRole: 'ecs-taskrole-lab-task-full-access',
    });
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'ecs-taskrole-lab-task-full-access',
        PolicyName: 'list-tasks',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ecs:ListTasks', Resource: '*' }],
        }),
      }),
    );
    dataPlane = await startDataPlane({ controlPlane: labControlPlane(lab), log: (line) => lines.push(line) });
    instanceId = await launchSpecInstance(aws, {
      amiParameter: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
      instanceProfile: 'ecs-taskrole-lab-instance-profile',
      UserData: Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${CLUSTER} >> /etc/ecs/ecs.config\n`).toString('base64'),
      runId: 'spec',
    });
  });
  test.afterAll(async () => {
    try {
      await dataPlane?.stop();
    } finally {
      await labDown(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  test('a launched instance boots as its AMI says and registers in the cluster its user data names', async () => {
    const host = await dataPlane?.waitForInstance(instanceId);
    expect(host?.amiProfile).toBe('al2023-ecs');
    expect(lines.join('\n')).toContain('SSM recommended AMI');
    await expect
      .poll(
        async () =>
          (await new ECSClient(aws).send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns
            ?.length,
        { timeout: 180_000 },
      )
      .toBe(1);
  });

  for (const networkMode of ['bridge', 'host'] as const) {
    test(`baseline ${networkMode} cell: RunTask → log with the task role's ARN`, async () => {
      const ecs = new ECSClient(aws);
      const definition = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: `iam-role-test-${networkMode}`,
          taskRoleArn,
          networkMode,
          requiresCompatibilities: ['EC2'],
          containerDefinitions: [
            {
              name: 'amazonlinux',
              image: 'public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0',
              memory: 128,
              essential: true,
              entryPoint: ['/bin/bash', '-c'],
              command: [
                `dnf install -y awscli-2; aws sts get-caller-identity --region ${REGION}; aws ecs list-tasks --cluster ${CLUSTER} --region ${REGION}`,
              ],
              environment: [{ name: 'AWS_ENDPOINT_URL', value: dataPlane?.endpointForInstances ?? '' }],
              logConfiguration: {
                logDriver: 'awslogs',
                options: {
                  'awslogs-group': 'ecs-tasks',
                  'awslogs-region': REGION,
                  'awslogs-stream-prefix': 'iam-role-test',
                },
              },
            },
          ],
        }),
      );
      const run = await ecs.send(
        new RunTaskCommand({ cluster: CLUSTER, taskDefinition: definition.taskDefinition?.taskDefinitionArn }),
      );
      const taskArn = run.tasks?.[0]?.taskArn ?? '';
      await expect
        .poll(
          async () =>
            (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }))).tasks?.[0]?.lastStatus,
          {
            timeout: 180_000,
          },
        )
        .toBe('STOPPED');
      const taskId = taskArn.split('/').pop();
      // A task that stopped before its container started has no stream: say why it stopped (the task's and
      // its container's reasons, the data plane's last lines) rather than moto's bare "does not exist".
      const stopped = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }))).tasks?.[0];
      const why = [
        `stoppedReason: ${stopped?.stoppedReason}`,
        ...(stopped?.containers ?? []).map((c) => `container ${c.name}: exit ${c.exitCode} ${c.reason ?? ''}`),
        ...lines.slice(-30),
      ].join('\n');
      const events = await new CloudWatchLogsClient(aws)
        .send(
          new GetLogEventsCommand({
            logGroupName: 'ecs-tasks',
            logStreamName: `iam-role-test/amazonlinux/${taskId}`,
            startFromHead: true,
          }),
        )
        .catch((error: Error) => {
          throw new Error(`${error.message}\n${why}`);
        });
      const text = (events.events ?? []).map((event) => event.message).join('\n');
      expect(text, why).toContain(
        `"Arn": "arn:aws:sts::123456789012:assumed-role/ecs-taskrole-lab-task-full-access/${taskId}"`,
      );
      expect(text).toContain('"taskArns"');
      expect(text).toContain(taskArn);
    });
  }

  test('a terminated instance is shut down and removed', async () => {
    await new EC2Client(aws).send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    await expect.poll(() => dataPlane?.instances.has(instanceId), { timeout: 180_000 }).toBe(false);
  });
});

test('the network is made while the control plane starts, and removed when it never does (needs root)', async () => {
  let network: LabNetwork | undefined;
  let refuse: (error: Error) => void = () => {};
  const starting = startDataPlane({
    controlPlane: new Promise((_, reject) => {
      refuse = reject;
    }),
    onNetwork: (lab) => {
      network = lab;
    },
  });
  starting.catch(() => undefined);
  await expect.poll(() => network !== undefined, { timeout: 180_000 }).toBe(true);
  const bridge = network?.names.bridge ?? '';
  expect(await linkExists(bridge)).toBe(true);
  refuse(new Error('the control plane did not start'));
  await expect(starting).rejects.toThrow('the control plane did not start');
  expect(await linkExists(bridge)).toBe(false);
  expect(existsSync(network?.dir ?? '')).toBe(false);
});
