/**
 * Probe: the real ECS agent (a binary built from amazon-ecs-agent's source, named by ECS_TASKROLE_AGENT_BINARY)
 * against the lab. It runs by hand inside a lab instance's network namespace (plain AL2023 AMI: the lab starts
 * no agent of its own there) with a Docker engine of its own, reads the instance's IMDS, registers with the
 * lab's ECS, opens ACS, receives a RunTask'd task with its role credentials, serves them on its credentials
 * endpoint, and reports the task's states, which DescribeTasks shows. Root only; skipped without the binary.
 *
 *   ECS_TASKROLE_AGENT_BINARY=/path/to/agent npx playwright test --project=checks \
 *     lab/real-agent-probe.spec.ts --workers 1
 *
 * The agent's log is attached to the result (agent.log) and its last lines are in every failure.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { credentialsOf } from './control-plane/identities.ts';
import { type DataPlane, labControlPlane, startDataPlane } from './data-plane/index.ts';
import { labDown, labUp } from './lab-lifecycle.ts';
import type { LabState } from './lab-state.ts';
import {
  AGENT_BINARY_VARIABLE,
  agentLogText,
  type RealAgentHost,
  realAgentMissing,
  startRealAgentHost,
} from './testing/real-agent.ts';
import { createInstanceAndTaskRoles, launchSpecInstance } from './testing/spec-resources.ts';

test.describe.configure({ mode: 'serial', timeout: 300_000 });

const CLUSTER = 'real-agent-probe';
const IMAGE = 'lab/probe-pause:1';
const PLAIN_AMI = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

const missing = realAgentMissing();
test.skip(missing !== undefined, `real-agent probe skipped: ${missing}`);

let dir = '';
let lab: LabState;
let dataPlane: DataPlane | undefined;
let host: RealAgentHost | undefined;
let containerInstanceArn = '';
let taskArn = '';
let taskRoleArn = '';
const harness = () => ({ endpoint: lab.endpoint, region: lab.region, maxAttempts: 1, ...harnessCredentials() });
const harnessCredentials = () => ({ credentials: credentialsOf(lab.identities.harness) });
const ecs = () => new ECSClient(harness());
const agentTail = () =>
  agentLogText(host as RealAgentHost)
    .split('\n')
    .slice(-25)
    .join('\n');

async function createRoles(): Promise<void> {
  taskRoleArn = await createInstanceAndTaskRoles(new IAMClient(harness()), {
    instanceRole: 'ecs-taskrole-probe-instance-role',
    instanceProfile: 'ecs-taskrole-probe-instance-profile',
    taskRole: 'ecs-taskrole-probe-task-role',
  });
}

function launchPlainInstance(): Promise<string> {
  return launchSpecInstance(harness(), {
    amiParameter: PLAIN_AMI,
    instanceProfile: 'ecs-taskrole-probe-instance-profile',
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    runId: 'real-agent-probe',
  });
}

/** An image holding only the static pause program: runs until the agent stops it. */
async function importPauseImage(agentHost: RealAgentHost, binary: string): Promise<void> {
  const pause = join(dirname(binary), 'pause');
  if (!existsSync(pause)) throw new Error(`no pause program beside the agent (${pause}): it is the probe's task`);
  const root = join(dir, 'image-root');
  await mkdir(root, { recursive: true });
  await copyFile(pause, join(root, 'pause'));
  const tar = join(dir, 'image.tar');
  await execa('tar', ['-C', root, '-cf', tar, 'pause']);
  await agentHost.docker(['import', '--change', 'ENTRYPOINT ["/pause"]', tar, IMAGE]);
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dir = await mkdtemp(join(tmpdir(), 'real-agent-probe-'));
  ({ lab } = await labUp(join(dir, 'lab')));
  await ecs().send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await createRoles();
  dataPlane = await startDataPlane({ controlPlane: labControlPlane(lab) });
  const instance = await dataPlane.waitForInstance(await launchPlainInstance(), 120_000);
  const binary = process.env[AGENT_BINARY_VARIABLE] ?? '';
  host = await startRealAgentHost({
    netns: instance.netns,
    dir: join(dir, 'agent-host'),
    binary,
    agentEnvironment: {
      ECS_CLUSTER: CLUSTER,
      ECS_BACKEND_HOST: dataPlane.endpointForInstances,
      ECS_ENABLE_TASK_IAM_ROLE: 'true',
      ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'true',
      ECS_IMAGE_PULL_BEHAVIOR: 'prefer-cached',
      ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'false',
      ECS_UPDATES_ENABLED: 'false',
      ECS_DISABLE_IMAGE_CLEANUP: 'true',
    },
  });
  await importPauseImage(host, binary);
  host.startAgent();
});

test.afterAll(async () => {
  if (host) {
    // Kept in the test's output folder: the probe's own folder goes below.
    const kept = test.info().outputPath('agent.log');
    await writeFile(kept, agentLogText(host));
    await test.info().attach('agent.log', { path: kept, contentType: 'text/plain' });
  }
  try {
    await host?.stop();
    await dataPlane?.stop();
  } finally {
    if (lab) await labDown(join(dir, 'lab'));
    await rm(dir, { recursive: true, force: true });
  }
});

test('the real agent registers from the lab IMDS and connects to ACS', async () => {
  await expect
    .poll(
      async () => (await ecs().send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns,
      {
        timeout: 120_000,
        message: `no registration; the agent's log ends:\n${agentTail()}`,
      },
    )
    .toHaveLength(1);
  const listed = await ecs().send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
  containerInstanceArn = listed.containerInstanceArns?.[0] ?? '';
  const described = await ecs().send(
    new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [containerInstanceArn] }),
  );
  expect(described.containerInstances?.[0]?.versionInfo?.agentVersion).toMatch(/^\d+\.\d+\.\d+$/);
  await expect
    .poll(() => agentLogText(host as RealAgentHost), { timeout: 60_000, message: `no ACS; log:\n${agentTail()}` })
    .toContain('Connected to ACS endpoint');
});

test('a RunTask’d task reaches the agent and runs; its RUNNING report shows in DescribeTasks', async () => {
  const definition = await ecs().send(
    new RegisterTaskDefinitionCommand({
      family: 'real-agent-probe',
      networkMode: 'host',
      taskRoleArn,
      containerDefinitions: [{ name: 'pause', image: IMAGE, memory: 32, essential: true }],
    }),
  );
  const run = await ecs().send(
    new RunTaskCommand({ cluster: CLUSTER, taskDefinition: definition.taskDefinition?.taskDefinitionArn }),
  );
  expect(run.failures).toEqual([]);
  taskArn = run.tasks?.[0]?.taskArn ?? '';
  // The container's status: moto shows a new task RUNNING at once, its container PENDING until reported.
  const reported = async () => {
    const task = (await ecs().send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }))).tasks?.[0];
    return `${task?.lastStatus}/${task?.containers?.[0]?.lastStatus}`;
  };
  await expect
    .poll(reported, { timeout: 120_000, message: `not RUNNING; the agent's log ends:\n${agentTail()}` })
    .toBe('RUNNING/RUNNING');
});

test("the agent's credentials endpoint answers for the task with the task role, assumed as ECS does", async () => {
  const agentHost = host as RealAgentHost;
  const ids = await agentHost.docker(['ps', '-q', '--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`]);
  const environment = await agentHost.docker(['inspect', '--format', '{{json .Config.Env}}', ids.split('\n')[0] ?? '']);
  const uri = (JSON.parse(environment) as string[])
    .find((entry) => entry.startsWith('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI='))
    ?.split('=')[1];
  expect(uri, 'the task container has no credentials URI').toMatch(/^\/v2\/credentials\//);
  const answer = await agentHost.inNamespace('curl', ['-s', `http://127.0.0.1:51679${uri}`]);
  const credentials = JSON.parse(answer) as Record<string, string>;
  expect(credentials.RoleArn).toBe(taskRoleArn);
  const who = await new STSClient({
    endpoint: lab.endpoint,
    region: lab.region,
    maxAttempts: 1,
    credentials: {
      accessKeyId: credentials.AccessKeyId ?? '',
      secretAccessKey: credentials.SecretAccessKey ?? '',
      sessionToken: credentials.Token ?? '',
    },
  }).send(new GetCallerIdentityCommand({}));
  expect(who.Arn).toBe(
    `arn:aws:sts::${who.Account}:assumed-role/${taskRoleArn.split('/').pop()}/${taskArn.split('/').pop()}`,
  );
});

test('StopTask reaches the agent over ACS; its STOPPED report shows in DescribeTasks', async () => {
  await ecs().send(new StopTaskCommand({ cluster: CLUSTER, task: taskArn, reason: 'probe' }));
  const container = async () =>
    (await ecs().send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }))).tasks?.[0]?.containers?.[0];
  await expect
    .poll(async () => (await container())?.lastStatus, { timeout: 120_000, message: `log:\n${agentTail()}` })
    .toBe('STOPPED');
  const ids = await (host as RealAgentHost).docker([
    'ps',
    '-q',
    '--filter',
    `label=com.amazonaws.ecs.task-arn=${taskArn}`,
  ]);
  expect(ids.trim(), 'the task container still runs').toBe('');
});
