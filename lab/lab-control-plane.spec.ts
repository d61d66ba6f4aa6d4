import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeInstancesCommand, EC2Client, GetConsoleOutputCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  type Attribute,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type NetworkMode,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  SubmitTaskStateChangeCommand,
} from '@aws-sdk/client-ecs';
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { expect, test } from '@playwright/test';
import { createClients, destroyClients } from '../infra/aws/clients.ts';
import { deleteCluster } from '../infra/aws/delete.ts';
import { credentialsOf, type LabIdentity } from './control-plane/identities.ts';
import { agentAttributes } from './data-plane/agent/capabilities.ts';
import { EcsBackend } from './data-plane/agent/ecs-backend.ts';
import { parseAgentConfig } from './data-plane/agent/ecs-config.ts';
import { ECS_INIT_AGENT_DEFAULTS } from './data-plane/host/service-config.ts';
import { harnessClientConfig, type LabState } from './lab-state.ts';
import { type Credentials, controlPlaneLab, unique } from './testing/control-plane-lab.ts';

/**
 * The lab's control plane (moto + moto_lab.py) driven as the harness, the ECS service, EC2 and the ECS agent
 * would drive AWS: only SDK v3 clients, IAM enforcement on, each identity holding only its own policy.
 */
test.describe.configure({ mode: 'serial', timeout: 360_000 });

const ECS_OPTIMIZED_AMI = '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id';
const INSTANCE_ROLE_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';
const TASK_IAM_ROLE = 'com.amazonaws.ecs.capability.task-iam-role';
const TASK_IAM_ROLE_NETWORK_HOST = 'com.amazonaws.ecs.capability.task-iam-role-network-host';
const TASK_ENI = 'ecs.capability.task-eni';
const OTHER_ACCOUNT = '111122223333';

type AwsError = Error & { $metadata?: { httpStatusCode?: number } };

const spec = controlPlaneLab('etr-control-plane-');
let lab: LabState;
let account: string;

test.beforeAll(async () => {
  test.setTimeout(360_000);
  lab = spec.state;
  const identity = await new STSClient(config(credentialsOf(lab.identities.harness))).send(
    new GetCallerIdentityCommand({}),
  );
  if (!identity.Account) throw new Error('GetCallerIdentity returned no account');
  account = identity.Account;
});

const config = (credentials: Credentials) => spec.client(credentials);
const as = (identity: LabIdentity) => config(credentialsOf(identity));
const harness = () => as(lab.identities.harness);

/**
 * Starts `call`, lets it wait a moment, then makes `change`: the call must answer only after the change
 * (the lab's task push), not at once as a plain poll would.
 */
async function answersOnlyAfter<A, C>(
  call: () => Promise<A>,
  change: () => Promise<C>,
): Promise<{ answer: A; changed: C }> {
  let changeMade = false;
  const waiting = call().then((answer) => ({ answer, changeMade }));
  await new Promise((resolve) => setTimeout(resolve, 500));
  changeMade = true;
  const changed = await change();
  const { answer, changeMade: answeredAfterChange } = await waiting;
  expect(answeredAfterChange, 'the call answered before the change').toBe(true);
  return { answer, changed };
}

/** The lab agent's own ECS client, as the ECS-service identity. */
function labAgentBackend(): EcsBackend {
  return new EcsBackend({
    endpoint: lab.endpoint,
    region: lab.region,
    proxy: { httpProxy: undefined, httpsProxy: undefined, noProxy: undefined },
    instanceCredentials: async () => credentialsOf(lab.identities.ecsService),
    serviceIdentity: credentialsOf(lab.identities.ecsService),
    stateChange: 'submit',
  });
}

/** The rejection of `promise`, which must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise;
  } catch (error) {
    return error as AwsError;
  }
  throw new Error('the request succeeded, expected it to be refused');
}

function trust(service: string, condition?: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
}

/** A role created by the harness under its path and name prefix, as the harness policy requires. */
async function createRole(name: string, trustPolicy: string): Promise<string> {
  const created = await new IAMClient(harness()).send(
    new CreateRoleCommand({ RoleName: name, Path: '/ecs-taskrole/', AssumeRolePolicyDocument: trustPolicy }),
  );
  const arn = created.Role?.Arn;
  if (!arn) throw new Error(`CreateRole ${name} returned no ARN`);
  expect(arn).toBe(`arn:aws:iam::${account}:role/ecs-taskrole/${name}`);
  return arn;
}

async function assumeRole(identity: LabIdentity, roleArn: string, session: string) {
  return new STSClient(as(identity)).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: session }));
}

/** Credentials of `roleArn` as `identity` (the lab's ECS service or EC2) obtains them. */
async function roleCredentials(identity: LabIdentity, roleArn: string, session: string): Promise<Credentials> {
  const credentials = (await assumeRole(identity, roleArn, session)).Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw new Error(`AssumeRole ${roleArn} returned no credentials`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
  };
}

/** An instance role's credentials as EC2 serves them on one instance (the session is the instance's). */
type InstanceRole = (instanceId: string) => Promise<Credentials>;

/** An instance role (EC2 trust, only the ECS managed policy); EC2 names each session after its instance. */
async function instanceRole(): Promise<InstanceRole> {
  const name = unique('ecs-taskrole-instance-role');
  const arn = await createRole(name, trust('ec2.amazonaws.com'));
  await new IAMClient(harness()).send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: INSTANCE_ROLE_POLICY }));
  return (instanceId) => roleCredentials(lab.identities.ec2Service, arn, instanceId);
}

/** The instance role's credentials on an instance no spec registers. */
async function instanceRoleCredentials(): Promise<Credentials> {
  return (await instanceRole())('i-instance');
}

/** The SSM parameter's value; moto may return the object form (JSON) where AWS returns the plain id. */
function imageIdOf(value: string | undefined): string {
  const text = (value ?? '').trim();
  if (!text.startsWith('{')) return text;
  const parsed = JSON.parse(text) as { image_id?: string; ImageId?: string };
  return parsed.image_id ?? parsed.ImageId ?? '';
}

async function createCluster(): Promise<string> {
  const name = unique('cluster');
  const created = await new ECSClient(harness()).send(new CreateClusterCommand({ clusterName: name }));
  expect(created.cluster?.clusterName).toBe(name);
  return name;
}

/** Launches `count` tagged EC2 instances from the ECS-optimized AMI, as the harness does. */
async function runInstances(count: number): Promise<{ imageId: string; instanceIds: string[] }> {
  const parameter = await new SSMClient(harness()).send(new GetParameterCommand({ Name: ECS_OPTIMIZED_AMI }));
  const imageId = imageIdOf(parameter.Parameter?.Value);
  expect(imageId).toMatch(/^ami-[0-9a-f]+$/);
  const run = await new EC2Client(harness()).send(
    new RunInstancesCommand({
      ImageId: imageId,
      InstanceType: 't3.micro',
      MinCount: count,
      MaxCount: count,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'ecs-taskrole:run', Value: unique('run') }] }],
    }),
  );
  const instanceIds = (run.Instances ?? []).map((instance) => instance.InstanceId ?? '');
  expect(instanceIds).toHaveLength(count);
  return { imageId, instanceIds };
}

/** What every agent on a current Docker registers, whatever its configuration (agent_capability.go). */
const DOCKER_REMOTE_API = ['1.18', '1.19'].map((v) => ({
  name: `com.amazonaws.ecs.capability.docker-remote-api.${v}`,
}));

/**
 * RegisterContainerInstance as the agent on `instanceId` does it, with the instance role's credentials:
 * `attributes` beside the Docker Remote API versions.
 */
async function registerContainerInstance(
  role: InstanceRole,
  cluster: string,
  instanceId: string,
  imageId: string,
  attributes: Attribute[],
): Promise<string> {
  const document = {
    instanceId,
    region: lab.region,
    accountId: account,
    availabilityZone: `${lab.region}a`,
    instanceType: 't3.micro',
    imageId,
    architecture: 'x86_64',
    privateIp: '10.0.0.10',
  };
  const registered = await new ECSClient(config(await role(instanceId))).send(
    new RegisterContainerInstanceCommand({
      cluster,
      instanceIdentityDocument: JSON.stringify(document),
      attributes: [...DOCKER_REMOTE_API, ...attributes],
      versionInfo: { agentVersion: '1.89.0', agentHash: 'lab', dockerVersion: 'DockerVersion: 25.0.8' },
    }),
  );
  const arn = registered.containerInstance?.containerInstanceArn;
  if (!arn) throw new Error(`RegisterContainerInstance for ${instanceId} returned no ARN`);
  expect(registered.containerInstance?.ec2InstanceId).toBe(instanceId);
  return arn;
}

/** The harness's log configuration: the awslogs driver with its options. */
const AWSLOGS = { logDriver: 'awslogs' as const, options: { 'awslogs-group': 'g', 'awslogs-region': 'us-east-1' } };

async function registerTaskDefinition(
  networkMode: NetworkMode | undefined,
  taskRoleArn?: string,
  more: { awslogs?: boolean; executionRoleArn?: string } = {},
): Promise<string> {
  const registered = await new ECSClient(harness()).send(
    new RegisterTaskDefinitionCommand({
      family: unique('family'),
      ...(networkMode ? { networkMode } : {}),
      ...(taskRoleArn ? { taskRoleArn } : {}),
      ...(more.executionRoleArn ? { executionRoleArn: more.executionRoleArn } : {}),
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/docker/library/busybox:latest',
          memory: 128,
          essential: true,
          ...(more.awslogs ? { logConfiguration: AWSLOGS } : {}),
        },
      ],
    }),
  );
  const arn = registered.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error('RegisterTaskDefinition returned no ARN');
  return arn;
}

function runTaskOn(cluster: string, taskDefinition: string, instanceId: string) {
  return new ECSClient(harness()).send(
    new RunTaskCommand({
      cluster,
      taskDefinition,
      placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${instanceId}` }],
    }),
  );
}

test('the ECS service assumes task roles whose trust names ecs-tasks (with or without aws:SourceAccount), not others', async () => {
  const plain = await createRole(unique('ecs-taskrole-spec-task-role'), trust('ecs-tasks.amazonaws.com'));
  const sameAccount = await createRole(
    unique('ecs-taskrole-spec-task-role-source'),
    trust('ecs-tasks.amazonaws.com', { StringEquals: { 'aws:SourceAccount': account } }),
  );
  const ec2Only = await createRole(unique('ecs-taskrole-ec2-role'), trust('ec2.amazonaws.com'));
  const otherAccount = await createRole(
    unique('ecs-taskrole-spec-task-role-other'),
    trust('ecs-tasks.amazonaws.com', { StringEquals: { 'aws:SourceAccount': OTHER_ACCOUNT } }),
  );
  const ecs = lab.identities.ecsService;

  for (const roleArn of [plain, sameAccount]) {
    const roleName = roleArn.split('/').pop();
    const assumed = await assumeRole(ecs, roleArn, 'task-1');
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${account}:assumed-role/${roleName}/task-1`);
    expect(assumed.Credentials?.SessionToken).toBeTruthy();
  }
  for (const roleArn of [ec2Only, otherAccount]) {
    const refused = await rejectionOf(assumeRole(ecs, roleArn, 'task-1'));
    expect(refused.name, `${roleArn}: ${refused.message}`).toBe('AccessDenied');
    expect(refused.$metadata?.httpStatusCode).toBe(403);
  }
});

test('a trust statement for another principal does not apply; an explicit Deny wins', async () => {
  const statement = (effect: 'Allow' | 'Deny', service: string) => ({
    Effect: effect,
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
  });
  const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const bothServices = await createRole(
    unique('ecs-taskrole-both'),
    policy(statement('Allow', 'ec2.amazonaws.com'), statement('Allow', 'ecs-tasks.amazonaws.com')),
  );
  const denied = await createRole(
    unique('ecs-taskrole-denied'),
    policy(statement('Allow', 'ecs-tasks.amazonaws.com'), statement('Deny', 'ecs-tasks.amazonaws.com')),
  );
  const ecs = lab.identities.ecsService;
  expect((await assumeRole(ecs, bothServices, 'task-2')).Credentials?.SessionToken).toBeTruthy();
  expect((await rejectionOf(assumeRole(ecs, denied, 'task-2'))).name).toBe('AccessDenied');
});

test('assumed task-role credentials carry the role policy; the instance role may not ListTasks', async () => {
  const cluster = await createCluster();
  const taskRoleName = unique('ecs-taskrole-spec-task-role');
  const taskRole = await createRole(taskRoleName, trust('ecs-tasks.amazonaws.com'));
  await new IAMClient(harness()).send(
    new PutRolePolicyCommand({
      RoleName: taskRoleName,
      PolicyName: 'list-tasks',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ecs:ListTasks', Resource: '*' }],
      }),
    }),
  );
  const taskCredentials = await roleCredentials(lab.identities.ecsService, taskRole, 'task-2');
  const listed = await new ECSClient(config(taskCredentials)).send(new ListTasksCommand({ cluster }));
  expect(listed.taskArns).toEqual([]);

  const instanceCredentials = await instanceRoleCredentials();
  const denied = await rejectionOf(new ECSClient(config(instanceCredentials)).send(new ListTasksCommand({ cluster })));
  expect(denied.name, denied.message).toBe('AccessDeniedException');
});

test('a wrong secret is InvalidSignatureException, an unknown key UnrecognizedClientException', async () => {
  const harnessKey = lab.identities.harness.accessKeyId;
  const wrongSecret = await rejectionOf(
    new ECSClient(config({ accessKeyId: harnessKey, secretAccessKey: 'not-the-secret' })).send(
      new ListTasksCommand({}),
    ),
  );
  expect(wrongSecret.name, wrongSecret.message).toBe('InvalidSignatureException');

  const unknownKey = await rejectionOf(
    new ECSClient(config({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'whatever' })).send(
      new ListTasksCommand({}),
    ),
  );
  expect(unknownKey.name, unknownKey.message).toBe('UnrecognizedClientException');
});

test('RunTask honours memberOf(ec2InstanceId) and the task-role attributes a task definition requires', async () => {
  const cluster = await createCluster();
  const role = await instanceRole();
  const { imageId, instanceIds } = await runInstances(3);
  const [withBoth, withNone, withTaskRoleOnly] = instanceIds as [string, string, string];
  const bothArn = await registerContainerInstance(role, cluster, withBoth, imageId, [
    { name: TASK_IAM_ROLE },
    { name: TASK_IAM_ROLE_NETWORK_HOST },
  ]);
  const noneArn = await registerContainerInstance(role, cluster, withNone, imageId, []);
  const taskRoleOnlyArn = await registerContainerInstance(role, cluster, withTaskRoleOnly, imageId, [
    { name: TASK_IAM_ROLE },
  ]);
  const taskRole = await createRole(unique('ecs-taskrole-spec-task-role'), trust('ecs-tasks.amazonaws.com'));
  const bridgeWithRole = await registerTaskDefinition('bridge', taskRole);
  const hostWithRole = await registerTaskDefinition('host', taskRole);
  const bridgeWithoutRole = await registerTaskDefinition('bridge');

  const placed = await runTaskOn(cluster, bridgeWithRole, withBoth);
  expect(placed.failures).toEqual([]);
  expect(placed.tasks).toHaveLength(1);
  expect(placed.tasks?.[0]?.containerInstanceArn).toBe(bothArn);

  const missingAttribute = await runTaskOn(cluster, bridgeWithRole, withNone);
  expect(missingAttribute.tasks).toEqual([]);
  expect(missingAttribute.failures?.[0]).toMatchObject({ arn: noneArn, reason: 'ATTRIBUTE' });

  const hostMode = await runTaskOn(cluster, hostWithRole, withTaskRoleOnly);
  expect(hostMode.tasks).toEqual([]);
  expect(hostMode.failures?.[0]).toMatchObject({ arn: taskRoleOnlyArn, reason: 'ATTRIBUTE' });

  const withoutRole = await runTaskOn(cluster, bridgeWithoutRole, withNone);
  expect(withoutRole.failures).toEqual([]);
  expect(withoutRole.tasks).toHaveLength(1);
  expect(withoutRole.tasks?.[0]?.containerInstanceArn).toBe(noneArn);
});

test('RunTask of an awsvpc task needs networkConfiguration and the task-eni attribute; other modes refuse one', async () => {
  const cluster = await createCluster();
  const role = await instanceRole();
  const { imageId, instanceIds } = await runInstances(2);
  const [withEni, withoutEni] = instanceIds as [string, string];
  await registerContainerInstance(role, cluster, withEni, imageId, [{ name: TASK_ENI }]);
  const withoutEniArn = await registerContainerInstance(role, cluster, withoutEni, imageId, []);
  const awsvpc = await registerTaskDefinition('awsvpc');
  const bridge = await registerTaskDefinition('bridge');
  const described = await new EC2Client(harness()).send(new DescribeInstancesCommand({ InstanceIds: [withEni] }));
  const instance = described.Reservations?.[0]?.Instances?.[0];
  // EC2 puts an instance launched without groups in its VPC's default security group.
  const securityGroups = (instance?.SecurityGroups ?? []).map((group) => group.GroupId ?? '');
  expect(securityGroups).toHaveLength(1);
  const networkConfiguration = { awsvpcConfiguration: { subnets: [instance?.SubnetId ?? ''], securityGroups } };
  const run = (taskDefinition: string, instanceId: string, withNetwork: boolean) =>
    new ECSClient(harness()).send(
      new RunTaskCommand({
        cluster,
        taskDefinition,
        placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${instanceId}` }],
        ...(withNetwork ? { networkConfiguration } : {}),
      }),
    );

  const missing = (await run(awsvpc, withEni, false).catch((error: unknown) => error)) as AwsError;
  expect(missing.name).toBe('InvalidParameterException');
  expect(missing.message).toBe("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const invalid = (await run(bridge, withEni, true).catch((error: unknown) => error)) as AwsError;
  expect(invalid.name).toBe('InvalidParameterException');
  expect(invalid.message).toBe('Network Configuration is not valid for the given networkMode of this task definition.');

  const placed = await run(awsvpc, withEni, true);
  expect(placed.failures).toEqual([]);
  expect(placed.tasks?.[0]?.attachments?.[0]).toMatchObject({ type: 'ElasticNetworkInterface', status: 'ATTACHED' });
  const noCapability = await run(awsvpc, withoutEni, true);
  expect(noCapability.tasks).toEqual([]);
  expect(noCapability.failures?.[0]).toMatchObject({ arn: withoutEniArn, reason: 'ATTRIBUTE' });
});

/** What an agent with this environment registers (the lab agent's own rules, agent_capability.go). */
const registeredBy = (env: Record<string, string>) => agentAttributes(parseAgentConfig(env).config);

test('RunTask requires what the log driver and execution role need: an agent run by hand lacks awslogs', async () => {
  const cluster = await createCluster();
  const role = await instanceRole();
  const { imageId, instanceIds } = await runInstances(3);
  const [byHand, documented, ecsInit] = instanceIds as [string, string, string];
  const plainFlags = { ECS_ENABLE_TASK_IAM_ROLE: 'true', ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'true' };
  const byHandArn = await registerContainerInstance(role, cluster, byHand, imageId, registeredBy(plainFlags));
  const documentedArn = await registerContainerInstance(
    role,
    cluster,
    documented,
    imageId,
    registeredBy({ ...plainFlags, ECS_AVAILABLE_LOGGING_DRIVERS: '["json-file","awslogs"]' }),
  );
  await registerContainerInstance(role, cluster, ecsInit, imageId, registeredBy(ECS_INIT_AGENT_DEFAULTS));
  const taskRole = await createRole(unique('ecs-taskrole-spec-task-role'), trust('ecs-tasks.amazonaws.com'));
  const executionRole = await createRole(`${unique('ecs-taskrole-spec')}-execution`, trust('ecs-tasks.amazonaws.com'));
  const withLogs = await registerTaskDefinition('bridge', taskRole, { awslogs: true });
  const withExecutionRole = await registerTaskDefinition('bridge', taskRole, {
    awslogs: true,
    executionRoleArn: executionRole,
  });

  const described = await new ECSClient(harness()).send(
    new DescribeTaskDefinitionCommand({ taskDefinition: withLogs }),
  );
  expect((described.taskDefinition?.requiresAttributes ?? []).map((a) => a.name).sort()).toEqual([
    'com.amazonaws.ecs.capability.docker-remote-api.1.18',
    'com.amazonaws.ecs.capability.docker-remote-api.1.19',
    'com.amazonaws.ecs.capability.logging-driver.awslogs',
    TASK_IAM_ROLE,
  ]);

  const refused = await runTaskOn(cluster, withLogs, byHand);
  expect(refused.tasks).toEqual([]);
  expect(refused.failures).toEqual([{ arn: byHandArn, reason: 'ATTRIBUTE' }]);
  expect((await runTaskOn(cluster, withLogs, documented)).tasks).toHaveLength(1);
  expect((await runTaskOn(cluster, withLogs, ecsInit)).tasks).toHaveLength(1);

  // An execution role with awslogs needs execution-role-awslogs: ecs-init sets its flag, the manual install does not.
  const noOverride = await runTaskOn(cluster, withExecutionRole, documented);
  expect(noOverride.failures).toEqual([{ arn: documentedArn, reason: 'ATTRIBUTE' }]);
  expect((await runTaskOn(cluster, withExecutionRole, ecsInit)).tasks).toHaveLength(1);
});

test('RunTask refuses an execution role ECS cannot assume, as it refuses such a task role', async () => {
  const cluster = await createCluster();
  const taskRole = await createRole(unique('ecs-taskrole-spec-task-role'), trust('ecs-tasks.amazonaws.com'));
  const executionRole = await createRole(`${unique('ecs-taskrole-spec')}-execution`, trust('ec2.amazonaws.com'));
  const definition = await registerTaskDefinition('bridge', taskRole, {
    awslogs: true,
    executionRoleArn: executionRole,
  });
  const refusal = await rejectionOf(
    new ECSClient(harness()).send(new RunTaskCommand({ cluster, taskDefinition: definition })),
  );
  expect(refusal.name).toBe('ClientException');
  expect(refusal.message).toContain(`ECS was unable to assume the role '${executionRole}'`);
});

test("the agent's task poll waits for a task change and answers when RunTask places one (ACS's push)", async () => {
  const cluster = await createCluster();
  const { imageId, instanceIds } = await runInstances(1);
  const instanceId = instanceIds[0] as string;
  const containerInstance = await registerContainerInstance(await instanceRole(), cluster, instanceId, imageId, []);
  const taskDefinition = await registerTaskDefinition('bridge');
  const agent = labAgentBackend();

  expect(await agent.tasksFor(cluster, containerInstance, [])).toEqual([]);
  expect(agent.pushesTasks).toBe(true);
  const { answer: tasks, changed: placed } = await answersOnlyAfter(
    () => agent.tasksFor(cluster, containerInstance, []),
    () => runTaskOn(cluster, taskDefinition, instanceId),
  );
  expect(tasks.map((task) => task.taskArn)).toEqual([placed.tasks?.[0]?.taskArn]);
});

test('a task change wakes only the polls it concerns: a task placed on another instance does not answer this agent', async () => {
  const cluster = await createCluster();
  const { imageId, instanceIds } = await runInstances(2);
  const [mine, other] = instanceIds as [string, string];
  const role = await instanceRole();
  const containerInstance = await registerContainerInstance(role, cluster, mine, imageId, []);
  await registerContainerInstance(role, cluster, other, imageId, []);
  const taskDefinition = await registerTaskDefinition('bridge');
  const agent = labAgentBackend();
  expect(await agent.tasksFor(cluster, containerInstance, [])).toEqual([]);

  // Woken by the other instance's task, the poll would answer with no task of its own.
  const { answer: tasks, changed: placed } = await answersOnlyAfter(
    () => agent.tasksFor(cluster, containerInstance, []),
    async () => {
      await runTaskOn(cluster, taskDefinition, other);
      // Long enough for a wrongly woken poll to answer; short beside the poll's 5 s wait on a busy machine.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return runTaskOn(cluster, taskDefinition, mine);
    },
  );
  expect(tasks.map((task) => task.taskArn)).toEqual([placed.tasks?.[0]?.taskArn]);
});

test("the harness's DescribeTasks waits until its task stops, then shows when it stopped (no polling)", async () => {
  const cluster = await createCluster();
  const role = await instanceRole();
  const { imageId, instanceIds } = await runInstances(1);
  const instanceId = instanceIds[0] ?? '';
  await registerContainerInstance(role, cluster, instanceId, imageId, []);
  const taskArn = (await runTaskOn(cluster, await registerTaskDefinition('bridge'), instanceId)).tasks?.[0]?.taskArn;
  if (!taskArn) throw new Error('RunTask placed no task');
  // The harness's own clients, as `run` creates them (the lab's client config adds the task push).
  const clients = createClients(harnessClientConfig(lab));
  try {
    const describeTask = async () =>
      (await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks?.[0];
    expect((await describeTask())?.lastStatus).not.toBe('STOPPED');
    expect(clients.taskPush.active).toBe(true);
    const agent = new ECSClient(config(await role(instanceId)));
    const { answer: task } = await answersOnlyAfter(describeTask, () =>
      agent.send(
        new SubmitTaskStateChangeCommand({
          cluster,
          task: taskArn,
          status: 'STOPPED',
          reason: 'Essential container in task exited',
          containers: [{ containerName: 'app', exitCode: 0, status: 'STOPPED' }],
        }),
      ),
    );
    expect(task?.lastStatus).toBe('STOPPED');
    expect(task?.stoppedAt).toBeInstanceOf(Date);
    // Clients of a target without the lab's decoration (AWS, LocalStack) stay stock: they poll.
    const plain = createClients(harness());
    await plain.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    expect(plain.taskPush.active).toBe(false);
    destroyClients(plain);
  } finally {
    destroyClients(clients);
  }
});

test('DeleteCluster is refused while an instance is registered; the teardown deregisters, also one that registers meanwhile', async () => {
  const cluster = await createCluster();
  const role = await instanceRole();
  const { imageId, instanceIds } = await runInstances(2);
  const [first, late] = instanceIds as [string, string];
  await registerContainerInstance(role, cluster, first, imageId, []);
  const refused = await rejectionOf(new ECSClient(harness()).send(new DeleteClusterCommand({ cluster })));
  expect(refused.name).toBe('ClusterContainsContainerInstancesException');
  expect(refused.message).toBe('The Cluster cannot be deleted while Container Instances are active or draining.');

  const clients = createClients(harness());
  try {
    // An agent that registers after the teardown listed the instances, just before its first DeleteCluster.
    let lateRegistered = false;
    clients.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteClusterCommand' && !lateRegistered) {
          lateRegistered = true;
          await registerContainerInstance(role, cluster, late, imageId, []);
        }
        return next(args);
      },
      { step: 'initialize', name: 'lateRegistration' },
    );
    await deleteCluster(clients, cluster);
    expect(lateRegistered).toBe(true);
  } finally {
    destroyClients(clients);
  }
  const described = await new ECSClient(harness()).send(new DescribeClustersCommand({ clusters: [cluster] }));
  expect(described.clusters?.[0]?.status).toBe('INACTIVE');
});

test('the agent reports the task RUNNING then STOPPED (reason, exit code); DescribeTasks shows it', async () => {
  const cluster = await createCluster();
  const role = await instanceRole();
  const { imageId, instanceIds } = await runInstances(1);
  const instanceId = instanceIds[0] ?? '';
  await registerContainerInstance(role, cluster, instanceId, imageId, [{ name: TASK_IAM_ROLE }]);
  const taskRole = await createRole(unique('ecs-taskrole-spec-task-role'), trust('ecs-tasks.amazonaws.com'));
  const taskDefinition = await registerTaskDefinition('bridge', taskRole);
  const taskArn = (await runTaskOn(cluster, taskDefinition, instanceId)).tasks?.[0]?.taskArn;
  if (!taskArn) throw new Error('RunTask placed no task');
  const agent = new ECSClient(config(await role(instanceId)));
  const describeTask = async () =>
    (await new ECSClient(harness()).send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks?.[0];

  const running = await agent.send(
    new SubmitTaskStateChangeCommand({
      cluster,
      task: taskArn,
      status: 'RUNNING',
      containers: [{ containerName: 'app', status: 'RUNNING' }],
    }),
  );
  expect(running.acknowledgment).toBe('ACK');
  expect((await describeTask())?.lastStatus).toBe('RUNNING');

  const reason = 'Essential container in task exited';
  await agent.send(
    new SubmitTaskStateChangeCommand({
      cluster,
      task: taskArn,
      status: 'STOPPED',
      reason,
      containers: [{ containerName: 'app', exitCode: 3, status: 'STOPPED' }],
    }),
  );
  const stopped = await describeTask();
  expect(stopped?.lastStatus).toBe('STOPPED');
  expect(stopped?.stoppedReason).toBe(reason);
  // The agent's reports are the task's run time, as on ECS (the benchmark reads it).
  expect(stopped?.startedAt).toBeInstanceOf(Date);
  expect(stopped?.stoppedAt).toBeInstanceOf(Date);
  expect(stopped?.containers?.[0]?.exitCode).toBe(3);
});

test('CloudWatch Logs: the harness creates the group, the instance role ships events, the harness reads them', async () => {
  const logGroupName = `/ecs-taskrole/${unique('logs')}`;
  const logStreamName = 'app/app/task-1';
  await new CloudWatchLogsClient(harness()).send(new CreateLogGroupCommand({ logGroupName }));
  const shipper = new CloudWatchLogsClient(config(await instanceRoleCredentials()));
  await shipper.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  const now = Date.now();
  await shipper.send(
    new PutLogEventsCommand({
      logGroupName,
      logStreamName,
      logEvents: [
        { timestamp: now, message: 'first line' },
        { timestamp: now + 1, message: 'second line' },
      ],
    }),
  );
  const read = await new CloudWatchLogsClient(harness()).send(
    new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }),
  );
  expect(read.events?.map((event) => event.message)).toEqual(['first line', 'second line']);
});

test("GetConsoleOutput: the console the data plane keeps for the instance, base64, at most EC2's last 64 KB", async () => {
  const { instanceIds } = await runInstances(1);
  const instanceId = instanceIds[0] ?? '';
  const ec2 = new EC2Client(harness());
  // Not booted on this machine yet: no Output, as EC2 answers before an instance printed anything.
  const before = await ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }));
  expect(before.InstanceId).toBe(instanceId);
  expect(before.Output).toBeUndefined();

  const consoles = join(spec.dir, 'consoles');
  await mkdir(consoles, { recursive: true });
  const early = 'boot noise\n'.repeat(10_000);
  const late = 'bash: docker: command not found\ncloud-init: script exited 127\n';
  await writeFile(join(consoles, `${instanceId}.log`), early + late);
  const after = await ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }));
  const decoded = Buffer.from(after.Output ?? '', 'base64').toString('utf8');
  expect(decoded.length).toBe(64 * 1024);
  expect(decoded.endsWith(late)).toBe(true);
});
