/**
 * `npx node bench/task-run.ts [runs]`: median time to run one baseline task in the lab — RunTask → the
 * agent picks it up → AssumeRole → sandbox → CLI v2 `sts get-caller-identity` + the seed's
 * `ecs list-tasks` → log shipped → STOPPED, as seen through DescribeTasks. Runs the real data plane (host
 * simulator, lab agent) against a plain moto; prints figures, asserts nothing.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { RUN_TAG_KEY } from '../core/harness-tags.ts';
import { startDataPlane } from '../lab/index.ts';
import { serviceTrust, startPlainMoto } from '../lab/testing/index.ts';

const runs = Number(process.argv[2] ?? 7);
const REGION = 'us-east-1';
const CLUSTER = 'bench';
const credentials = { accessKeyId: 'AKIDLABBENCH', secretAccessKey: 'lab' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const moto = await startPlainMoto('127.0.0.1');
const aws = { endpoint: moto.endpoint, region: REGION, maxAttempts: 1, credentials };
const ecs = new ECSClient(aws);
const dataPlane = await startDataPlane({
  controlPlane: {
    endpoint: moto.endpoint,
    region: REGION,
    reader: credentials,
    serviceIdentity: credentials,
    stateChange: 'stop-task',
  },
});
try {
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await new CloudWatchLogsClient(aws).send(new CreateLogGroupCommand({ logGroupName: 'ecs-tasks' }));
  const iam = new IAMClient(aws);
  await iam.send(
    new CreateRoleCommand({ RoleName: 'bench-instance', AssumeRolePolicyDocument: serviceTrust('ec2.amazonaws.com') }),
  );
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'bench-instance' }));
  await iam.send(
    new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'bench-instance', RoleName: 'bench-instance' }),
  );
  const taskRole = await iam.send(
    new CreateRoleCommand({
      RoleName: 'bench-task',
      AssumeRolePolicyDocument: serviceTrust('ecs-tasks.amazonaws.com'),
    }),
  );
  const ami = await new SSMClient(aws).send(
    new GetParameterCommand({ Name: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id' }),
  );
  const launchedAt = performance.now();
  await new EC2Client(aws).send(
    new RunInstancesCommand({
      ImageId: ami.Parameter?.Value,
      MinCount: 1,
      MaxCount: 1,
      IamInstanceProfile: { Name: 'bench-instance' },
      UserData: Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${CLUSTER} >> /etc/ecs/ecs.config\n`).toString('base64'),
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: RUN_TAG_KEY, Value: 'bench' }] }],
    }),
  );
  while (
    ((await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns ?? []).length === 0
  ) {
    await sleep(100);
  }
  const registeredMs = performance.now() - launchedAt;

  const timings: Record<string, number[]> = { bridge: [], host: [], 'bridge (command `true`: lab overhead only)': [] };
  for (const mode of Object.keys(timings)) {
    const networkMode = mode.startsWith('host') ? 'host' : 'bridge';
    const overheadOnly = mode.includes('true');
    const definition = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `bench-${networkMode}${overheadOnly ? '-true' : ''}`,
        taskRoleArn: taskRole.Role?.Arn,
        networkMode,
        containerDefinitions: [
          {
            name: 'amazonlinux',
            image: 'public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0',
            memory: 128,
            entryPoint: ['/bin/bash', '-c'],
            command: [
              overheadOnly
                ? 'true'
                : `dnf install -y awscli-2; aws sts get-caller-identity --region ${REGION}; aws ecs list-tasks --cluster ${CLUSTER} --region ${REGION}`,
            ],
            environment: [{ name: 'AWS_ENDPOINT_URL', value: dataPlane.endpointForInstances }],
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': 'ecs-tasks', 'awslogs-region': REGION, 'awslogs-stream-prefix': 'bench' },
            },
          },
        ],
      }),
    );
    for (let index = 0; index < runs; index += 1) {
      const before = performance.now();
      const run = await ecs.send(
        new RunTaskCommand({ cluster: CLUSTER, taskDefinition: definition.taskDefinition?.taskDefinitionArn }),
      );
      const taskArn = run.tasks?.[0]?.taskArn ?? '';
      for (;;) {
        const described = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }));
        if (described.tasks?.[0]?.lastStatus === 'STOPPED') break;
        await sleep(50);
      }
      timings[mode]?.push(performance.now() - before);
    }
  }
  process.stdout.write(`instance launch → container instance registered: ${Math.round(registeredMs)} ms\n`);
  for (const [mode, values] of Object.entries(timings)) {
    const sorted = [...values].sort((a, b) => a - b);
    process.stdout.write(
      `baseline ${mode} task, RunTask → STOPPED: median ${Math.round(median(values))} ms ` +
        `(min ${Math.round(sorted[0] ?? 0)}, max ${Math.round(sorted.at(-1) ?? 0)}, n=${sorted.length})\n`,
    );
  }
} finally {
  await dataPlane.stop();
  await moto.stop();
}
