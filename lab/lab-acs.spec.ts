import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  DiscoverPollEndpointCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  SubmitContainerStateChangeCommand,
  SubmitTaskStateChangeCommand,
} from '@aws-sdk/client-ecs';
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { expect, test } from '@playwright/test';
import { credentialsOf } from './control-plane/identities.ts';
import { type AgentSocket, HandshakeRefused, openAgentSocket } from './testing/agent-websocket.ts';
import { type Credentials, controlPlaneLab, unique } from './testing/control-plane-lab.ts';
import { serviceTrust } from './testing/spec-resources.ts';

/**
 * ACS and TCS of the lab's control plane (moto-lab/lab_acs.py) as the real ECS agent meets them: the agent's
 * registration, DiscoverPollEndpoint, the SigV4-signed websockets, a RunTask'd task delivered with its role
 * credentials, acks, StopTask, the agent's state reports. IAM enforcement on; the agent signs as its instance
 * role (AmazonEC2ContainerServiceforEC2Role).
 */
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const INSTANCE_ROLE_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';
const spec = controlPlaneLab('etr-acs-');

let cluster: string;
let instanceRole: Credentials;
let containerInstanceArn: string;
let instanceId: string;
let instanceRoleArn: string;
let account: string;

const harness = () => spec.client(spec.state.identities.harness);

/** `name` as the harness policy's PassRole statements expect (…-task-…, …-execution, …-instance-…). */
async function createRole(name: string, service: string, policyArn?: string): Promise<string> {
  const iam = new IAMClient(harness());
  const role = await iam.send(
    new CreateRoleCommand({ RoleName: name, Path: '/ecs-taskrole/', AssumeRolePolicyDocument: serviceTrust(service) }),
  );
  if (policyArn) await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn }));
  return role.Role?.Arn ?? '';
}

/** The instance role as EC2 assumes it for an instance: the instance id is the session name (as the lab's IMDS). */
async function credentialsAsEc2(roleArn: string, sessionName: string): Promise<Credentials> {
  const sts = new STSClient(spec.client(spec.state.identities.ec2Service));
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
  return {
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken,
  };
}

function identityDocument(id: string): string {
  const region = spec.state.region;
  return JSON.stringify({ instanceId: id, region, accountId: account, availabilityZone: `${region}a` });
}

/** RegisterContainerInstance as agent 1.101.2 sends it (ecs_client.go): document, attributes, resources. */
function register(
  extra: { containerInstanceArn?: string; document?: string; as?: Credentials; attributes?: { name: string }[] } = {},
) {
  return new ECSClient(spec.client(extra.as ?? instanceRole)).send(
    new RegisterContainerInstanceCommand({
      cluster,
      instanceIdentityDocument: extra.document ?? identityDocument(instanceId),
      instanceIdentityDocumentSignature: 'LAB-UNSIGNED',
      ...(extra.containerInstanceArn ? { containerInstanceArn: extra.containerInstanceArn } : {}),
      attributes: [
        { name: 'ecs.capability.execution-role-awslogs' },
        { name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' },
        { name: 'com.amazonaws.ecs.capability.task-iam-role' },
        { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
        { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.19' },
        { name: 'ecs.os-type', value: 'linux' },
        ...(extra.attributes ?? []),
      ],
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 3800 },
      ],
      versionInfo: { agentVersion: '1.101.2', agentHash: 'a686342f', dockerVersion: 'DockerVersion: 20.10.24' },
    }),
  );
}

/** The parts of ACS's Task shape (api-2.json) the spec reads. */
interface AcsTask {
  arn: string;
  elasticNetworkInterfaces?: Record<string, unknown>[];
  desiredStatus: string;
  containers: { name: string; logsAuthStrategy?: string; dockerConfig: { hostConfig: string } }[];
  roleCredentials?: Record<string, string>;
  executionRoleCredentials?: Record<string, string>;
}

// As agent 1.101.2 sends it: its dockerVersion holds a space, which its URL writes as '+' and SigV4 as %20.
const acsQuery = () => ({
  clusterArn: cluster,
  containerInstanceArn,
  seqNum: '1',
  protocolVersion: '2',
  dockerVersion: 'DockerVersion: 20.10.24+dfsg1',
});
const openAcs = (credentials: Credentials = instanceRole, query: Record<string, string> = acsQuery()) =>
  openAgentSocket(spec.state.endpoint, '/ws', query, spec.state.region, credentials);

test.beforeAll(async () => {
  const lab = spec.state;
  const caller = await new STSClient(harness()).send(new GetCallerIdentityCommand({}));
  account = caller.Account ?? '';
  cluster = unique('acs');
  await new ECSClient(harness()).send(new CreateClusterCommand({ clusterName: cluster }));
  instanceRoleArn = await createRole(unique('ecs-taskrole-acs-instance'), 'ec2.amazonaws.com', INSTANCE_ROLE_POLICY);
  const run = await new EC2Client(harness()).send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'ecs-taskrole:run', Value: unique('run') }] }],
    }),
  );
  instanceId = run.Instances?.[0]?.InstanceId ?? '';
  instanceRole = await credentialsAsEc2(instanceRoleArn, instanceId);
  expect(lab.endpoint).toMatch(/^http:/);
});

test('registration as the agent sends it: every attribute in the answer, resources kept, same ARN again', async () => {
  const registered = (await register()).containerInstance;
  containerInstanceArn = registered?.containerInstanceArn ?? '';
  // The agent fails ("Attribute validation failed") unless the answer lists what it registered.
  expect(registered?.attributes).toEqual(expect.arrayContaining([{ name: 'ecs.capability.execution-role-awslogs' }]));
  expect(registered?.registeredResources).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'MEMORY', integerValue: 3800 })]),
  );
  expect(registered?.versionInfo?.agentVersion).toBe('1.101.2');
  // An agent restarted with its saved state names its container instance: ECS answers with the same one.
  const again = await register({ containerInstanceArn });
  expect(again.containerInstance?.containerInstanceArn).toBe(containerInstanceArn);
  // Without an identity document (ECS_EXTERNAL) the lab refuses, instead of moto's 500.
  const refused = await register({ document: '' }).catch((error: Error) => error);
  expect(refused).toMatchObject({ name: 'ClientException' });
});

test("registration is bound to the caller's instance: another instance, or a session merely named after it, is refused", async () => {
  // Another instance's role session (the same role, delivered by EC2 to that instance).
  const otherInstance = await credentialsAsEc2(instanceRoleArn, 'i-0another000000000');
  const asOther = await register({ as: otherInstance }).catch((error: Error) => error);
  expect(asOther).toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining(instanceId) });
  // A session that calls itself the instance but that EC2 did not deliver (the ECS service assuming a role).
  const lookalikeRole = await createRole(
    unique('ecs-taskrole-acs-task-lookalike'),
    'ecs-tasks.amazonaws.com',
    INSTANCE_ROLE_POLICY,
  );
  const lookalike = await new STSClient(spec.client(spec.state.identities.ecsService)).send(
    new AssumeRoleCommand({ RoleArn: lookalikeRole, RoleSessionName: instanceId }),
  );
  const named = lookalike.Credentials;
  const asLookalike = await register({
    as: {
      accessKeyId: named?.AccessKeyId ?? '',
      secretAccessKey: named?.SecretAccessKey ?? '',
      sessionToken: named?.SessionToken,
    },
  }).catch((error: Error) => error);
  expect(asLookalike).toMatchObject({ name: 'AccessDeniedException' });
  // The instance itself still registers (the same container instance: its saved state).
  expect((await register({ containerInstanceArn })).containerInstance?.containerInstanceArn).toBe(containerInstanceArn);
});

test('DiscoverPollEndpoint answers http endpoints on the address the agent used: ACS and TCS over ws://', async () => {
  const found = await new ECSClient(spec.client(instanceRole)).send(
    new DiscoverPollEndpointCommand({ cluster, containerInstance: containerInstanceArn }),
  );
  const { host } = new URL(spec.state.endpoint);
  expect(found.endpoint).toBe(`http://${host}`);
  expect(found.telemetryEndpoint).toBe(`http://${host}/tcs`);
});

test('the ACS handshake is verified with IAM: no ecs:Poll, a wrong secret or an unknown instance is refused', async () => {
  const refusalOf = (opening: Promise<AgentSocket>) =>
    opening.then(
      () => undefined,
      (error: unknown) => error,
    );
  const harnessCredentials = credentialsOf(spec.state.identities.harness);
  expect(await refusalOf(openAcs(harnessCredentials))).toMatchObject({
    status: 403,
    body: expect.stringContaining('"AccessDeniedException"'),
  });
  const wrongSecret = { ...instanceRole, secretAccessKey: 'not-the-secret' };
  expect(await refusalOf(openAcs(wrongSecret))).toBeInstanceOf(HandshakeRefused);
  // The same role as another instance's session (or a task that read it from that instance's IMDS).
  const otherInstance = await credentialsAsEc2(instanceRoleArn, 'i-0another000000000');
  expect(await refusalOf(openAcs(otherInstance))).toMatchObject({
    status: 403,
    body: expect.stringContaining("only that instance's own instance-role credentials"),
  });
  const unknown = { ...acsQuery(), containerInstanceArn: `${containerInstanceArn.replace(/[^/]+$/, '')}0000` };
  expect(await refusalOf(openAcs(instanceRole, unknown))).toMatchObject({
    status: 400,
    body: expect.stringContaining('InvalidInstanceException'),
  });
});

test('ACS delivers the RunTask’d task with task- and execution-role credentials ECS assumed; StopTask follows', async () => {
  const taskRole = await createRole(unique('ecs-taskrole-acs-task'), 'ecs-tasks.amazonaws.com');
  const executionRole = await createRole(`${unique('ecs-taskrole-acs')}-execution`, 'ecs-tasks.amazonaws.com');
  const definition = await new ECSClient(harness()).send(
    new RegisterTaskDefinitionCommand({
      family: unique('acs'),
      networkMode: 'bridge',
      taskRoleArn: taskRole,
      executionRoleArn: executionRole,
      containerDefinitions: [
        {
          name: 'app',
          image: 'busybox',
          memory: 64,
          environment: [{ name: 'A', value: '1' }],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g', 'awslogs-region': 'us-east-1' } },
        },
      ],
    }),
  );
  const acs = await openAcs();
  try {
    await acs.next('HeartbeatMessage');
    const described = async () =>
      (
        await new ECSClient(harness()).send(
          new DescribeContainerInstancesCommand({ cluster, containerInstances: [containerInstanceArn] }),
        )
      ).containerInstances?.[0];
    expect((await described())?.agentConnected).toBe(true);
    const run = await new ECSClient(harness()).send(
      new RunTaskCommand({
        cluster,
        taskDefinition: definition.taskDefinition?.taskDefinitionArn,
        overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'B', value: '2' }] }] },
      }),
    );
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    const payload = (await acs.next('PayloadMessage')).message as {
      messageId: string;
      containerInstanceArn: string;
      tasks: AcsTask[];
    };
    expect(payload.containerInstanceArn).toBe(containerInstanceArn);
    const [task] = payload.tasks;
    expect(task).toMatchObject({ arn: taskArn, desiredStatus: 'RUNNING', networkMode: 'bridge' });
    const container = task?.containers[0];
    expect(container).toMatchObject({ name: 'app', memory: 64, environment: { A: '1', B: '2' } });
    expect(container?.logsAuthStrategy).toBe('ExecutionRole');
    // The lab's CloudWatch Logs for Docker's awslogs driver: the control plane as the agent reached it.
    expect(JSON.parse(container?.dockerConfig.hostConfig ?? '{}')).toMatchObject({
      LogConfig: {
        Type: 'awslogs',
        Config: { 'awslogs-group': 'g', 'awslogs-endpoint': `http://${new URL(spec.state.endpoint).host}` },
      },
    });
    const taskId = taskArn.split('/').pop();
    for (const [field, role] of [
      ['roleCredentials', taskRole],
      ['executionRoleCredentials', executionRole],
    ] as const) {
      const issued = task?.[field] ?? {};
      expect(issued).toMatchObject({ roleArn: role, credentialsId: expect.any(String) });
      const who = await new STSClient(
        spec.client({
          accessKeyId: issued.accessKeyId ?? '',
          secretAccessKey: issued.secretAccessKey ?? '',
          sessionToken: issued.sessionToken ?? '',
        }),
      ).send(new GetCallerIdentityCommand({}));
      // Assumed as ECS assumes it: the task id is the session name.
      expect(who.Arn).toBe(`arn:aws:sts::${account}:assumed-role/${role.split('/').pop()}/${taskId}`);
    }
    acs.send('AckRequest', { cluster, containerInstance: containerInstanceArn, messageId: payload.messageId });

    await new ECSClient(harness()).send(new StopTaskCommand({ cluster, task: taskArn, reason: 'spec' }));
    const stop = (await acs.next('PayloadMessage')).message as { tasks: AcsTask[] };
    expect(stop.tasks[0]).toMatchObject({ arn: taskArn, desiredStatus: 'STOPPED' });
    expect(stop.tasks[0]?.roleCredentials).toBeUndefined();
  } finally {
    await acs.close();
  }
  await expect
    .poll(async () => {
      const instances = await new ECSClient(harness()).send(
        new DescribeContainerInstancesCommand({ cluster, containerInstances: [containerInstanceArn] }),
      );
      return instances.containerInstances?.[0]?.agentConnected;
    })
    .toBe(false);
  await register({ containerInstanceArn });
});

test("the agent's SubmitContainerStateChange shows in DescribeTasks", async () => {
  const definition = await new ECSClient(harness()).send(
    new RegisterTaskDefinitionCommand({
      family: unique('acs'),
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }],
    }),
  );
  const run = await new ECSClient(harness()).send(
    new RunTaskCommand({ cluster, taskDefinition: definition.taskDefinition?.taskDefinitionArn }),
  );
  const taskArn = run.tasks?.[0]?.taskArn ?? '';
  const report = (exitCode: number) =>
    new SubmitContainerStateChangeCommand({
      cluster,
      task: taskArn,
      containerName: 'app',
      status: 'STOPPED',
      exitCode,
      reason: 'spec stopped it',
    });
  // Another instance's agent cannot report on this instance's task (nor any of its state).
  const otherInstance = await credentialsAsEc2(instanceRoleArn, 'i-0another000000000');
  const foreign = await new ECSClient(spec.client(otherInstance)).send(report(9)).catch((error: Error) => error);
  expect(foreign).toMatchObject({ name: 'AccessDeniedException' });
  const foreignTask = await new ECSClient(spec.client(otherInstance))
    .send(new SubmitTaskStateChangeCommand({ cluster, task: taskArn, status: 'STOPPED', reason: 'not mine' }))
    .catch((error: Error) => error);
  expect(foreignTask).toMatchObject({ name: 'AccessDeniedException' });
  const answer = await new ECSClient(spec.client(instanceRole)).send(report(7));
  expect(answer.acknowledgment).toBe('ACK');
  const described = await new ECSClient(harness()).send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
  expect(described.tasks?.[0]?.containers?.[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 7 });
});

test('a task ACS cannot render is left out (and logged): the session lives and delivers the others', async () => {
  const family = (cpu?: string) =>
    new ECSClient(harness()).send(
      new RegisterTaskDefinitionCommand({
        family: unique('acs'),
        ...(cpu ? { cpu } : {}),
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }],
      }),
    );
  // ECS takes "1 vCPU" for a task's cpu; the lab's payload builder does not convert it (a float is expected).
  const unrenderable = await family('1 vCPU');
  const fine = await family();
  const acs = await openAcs();
  try {
    await acs.next('HeartbeatMessage');
    const runTask = async (definition: typeof fine) =>
      (
        await new ECSClient(harness()).send(
          new RunTaskCommand({ cluster, taskDefinition: definition.taskDefinition?.taskDefinitionArn }),
        )
      ).tasks?.[0]?.taskArn;
    const unrenderableArn = await runTask(unrenderable);
    const fineArn = await runTask(fine);
    // Earlier specs' tasks still RUNNING come too (one PayloadMessage each); the unrenderable one never does.
    const delivered: string[] = [];
    while (!delivered.includes(fineArn ?? '')) {
      const payload = (await acs.next('PayloadMessage')).message as { messageId: string; tasks: AcsTask[] };
      delivered.push(...payload.tasks.map((task) => task.arn));
      acs.send('AckRequest', { cluster, containerInstance: containerInstanceArn, messageId: payload.messageId });
    }
    expect(delivered).not.toContain(unrenderableArn);
  } finally {
    await acs.close();
  }
});

test("an awsvpc task carries its ENI as ACS's elasticNetworkInterfaces: id, MAC, address, subnet gateway", async () => {
  // The agent registers task-eni when it runs with ECS_ENABLE_TASK_ENI (placement needs it).
  await register({ containerInstanceArn, attributes: [{ name: 'ecs.capability.task-eni' }] });
  // The instance's subnet and security group (the harness may describe instances, not subnets).
  const reservations = await new EC2Client(harness()).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = reservations.Reservations?.[0]?.Instances?.[0];
  const definition = await new ECSClient(harness()).send(
    new RegisterTaskDefinitionCommand({
      family: unique('acs'),
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }],
    }),
  );
  const acs = await openAcs();
  try {
    await acs.next('HeartbeatMessage');
    const run = await new ECSClient(harness()).send(
      new RunTaskCommand({
        cluster,
        taskDefinition: definition.taskDefinition?.taskDefinitionArn,
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [instance?.SubnetId ?? ''],
            securityGroups: [instance?.SecurityGroups?.[0]?.GroupId ?? ''],
          },
        },
      }),
    );
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    let task: AcsTask | undefined;
    while (!task) {
      const payload = (await acs.next('PayloadMessage')).message as { messageId: string; tasks: AcsTask[] };
      task = payload.tasks.find((delivered) => delivered.arn === taskArn);
      acs.send('AckRequest', { cluster, containerInstance: containerInstanceArn, messageId: payload.messageId });
    }
    // What RunTask answered for the task's ENI attachment (moto's ENI).
    const details = Object.fromEntries(
      (run.tasks?.[0]?.attachments?.[0]?.details ?? []).map((detail) => [detail.name, detail.value]),
    );
    expect(task.elasticNetworkInterfaces).toEqual([
      expect.objectContaining({
        ec2Id: details.networkInterfaceId,
        macAddress: details.macAddress,
        ipv4Addresses: [{ primary: true, privateAddress: details.privateIPv4Address }],
        // The subnet's first host with its prefix (ValidateENI wants `address/prefix`).
        subnetGatewayIpv4Address: expect.stringMatching(/^(\d+\.){3}\d+\/\d+$/),
        attachmentArn: expect.stringMatching(/:attachment\//),
      }),
    ]);
  } finally {
    await acs.close();
  }
});

test('the websockets reassemble fragmented messages and close a message past their cap (1009)', async () => {
  const query = { cluster, containerInstance: containerInstanceArn, agentVersion: '1.101.2', agentHash: 'x' };
  const tcs = await openAgentSocket(spec.state.endpoint, '/tcs/ws', query, spec.state.region, instanceRole);
  try {
    const metrics = JSON.stringify({
      type: 'PublishMetricsRequest',
      message: { metadata: { cluster }, pad: 'x'.repeat(50_000) },
    });
    tcs.sendFragmented(metrics, 40);
    expect((await tcs.next('AckPublishMetric')).type).toBe('AckPublishMetric');
  } finally {
    await tcs.close();
  }
  // ACS hears only acks from the agent: 64 KiB is its cap, even spread over fragments.
  const acs = await openAcs();
  acs.sendFragmented(JSON.stringify({ type: 'AckRequest', message: { pad: 'x'.repeat(70 * 1024) } }), 8);
  expect(await acs.closedWith()).toBe(1009);
});

test('TCS: the telemetry websocket acknowledges what the agent publishes', async () => {
  const query = { cluster, containerInstance: containerInstanceArn, agentVersion: '1.101.2', agentHash: 'x' };
  const tcs = await openAgentSocket(spec.state.endpoint, '/tcs/ws', query, spec.state.region, instanceRole);
  try {
    tcs.send('PublishMetricsRequest', { metadata: { cluster, containerInstance: containerInstanceArn } });
    expect((await tcs.next('AckPublishMetric')).type).toBe('AckPublishMetric');
  } finally {
    await tcs.close();
  }
});
