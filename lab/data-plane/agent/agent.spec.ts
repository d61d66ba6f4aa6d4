/**
 * The lab agent end to end against a plain moto: the seed's known-good task in bridge and host mode,
 * Docker/ECS failure reasons, StopTask, credentials lifetime, the endpoint's throttle on the real packet
 * path, a refused task role, and an agent proxy without NO_PROXY.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { expect, test } from '@playwright/test';
import { callerArn, clientContainer } from '../../../infra/task-definition/client-container.ts';
import { type AgentLab, startAgentLab, useAgentLab } from '../testing/agent-lab.ts';
import { REGION } from '../testing/mini-host.ts';
import type { AgentEvent } from './agent.ts';
import { TASK_IAM_ROLE, TASK_IAM_ROLE_NETWORK_HOST } from './capabilities.ts';
import { RoleNotAssumableError } from './ecs-backend.ts';

test.describe.configure({ mode: 'serial', timeout: 360_000 });

/**
 * The seed's container, with the caller identity printed first and the CLI installed by AL2023's name, as the
 * harness does (the seed's literal `aws-cli` is not established to resolve: docs/task-images.md).
 */
function seedContainer(lab: AgentLab) {
  return {
    name: 'amazonlinux',
    image: 'public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0',
    entryPoint: ['/bin/bash', '-c'],
    command: [
      `dnf install -y awscli-2; aws sts get-caller-identity --region ${REGION}; aws ecs list-tasks --cluster ${lab.mini.clusterName} --region ${REGION}`,
    ],
    environment: [{ name: 'AWS_ENDPOINT_URL', value: lab.mini.moto.endpoint }],
  };
}

test.describe('lab agent with ECS-optimized defaults (needs root: namespaces)', () => {
  const lab = useAgentLab();

  test('registers with the capabilities its flags imply', () => {
    const registered = lab().agent.events.find((event) => event.type === 'registered');
    expect(registered?.type === 'registered' && registered.attributes).toEqual(
      expect.arrayContaining([
        TASK_IAM_ROLE,
        TASK_IAM_ROLE_NETWORK_HOST,
        'com.amazonaws.ecs.capability.logging-driver.awslogs',
      ]),
    );
  });

  for (const networkMode of ['bridge', 'host'] as const) {
    test(`baseline ${networkMode} task: the log shows the task role and the seed's list-tasks`, async () => {
      const run = await lab().runTask({ container: seedContainer(lab()), networkMode });
      const taskId = run.taskArn.split('/').pop();
      expect(callerArn(run.lines)).toBe(
        `arn:aws:sts::123456789012:assumed-role/${lab().mini.taskRoleArn.split('/').pop()}/${taskId}`,
      );
      expect(run.lines.join('\n')).toContain(run.taskArn);
      expect(run.stopped).toMatchObject({
        reason: 'Essential container in task exited',
        containers: [{ exitCode: 0 }],
      });
      const audit = await readFile(join(lab().mini.host.rootDir, 'var/log/ecs/audit.log'), 'utf8');
      expect(audit).toContain(` 200 `);
      expect(audit).toContain(run.taskArn);
    });
  }

  test('an unknown image stops the task like a failed pull', async () => {
    const run = await lab().runTask({ container: { ...seedContainer(lab()), image: 'example/does-not-exist:1' } });
    expect(run.stopped.reason).toMatch(
      /^CannotPullContainerError: Error response from daemon: pull access denied for example\/does-not-exist/,
    );
  });

  test('a missing log group fails the start like the awslogs driver', async () => {
    const container = seedContainer(lab());
    const run = await lab().runTask({
      container: {
        ...container,
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': 'no-such-group', 'awslogs-region': REGION, 'awslogs-stream-prefix': 'x' },
        },
      },
    });
    expect(run.stopped.reason).toBe(
      'CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.',
    );
  });

  test("a container past its memory limit is OOM-killed: exit 137, ECS's OutOfMemoryError reason", async () => {
    const run = await lab().runTask({
      container: {
        ...seedContainer(lab()),
        memory: 32,
        command: ['echo allocating; /usr/bin/python3 -c "b = bytearray(256 * 1024 * 1024); print(len(b))"'],
      },
    });
    expect(run.lines).toContain('allocating');
    expect(run.lines).not.toContain(String(256 * 1024 * 1024));
    expect(run.stopped).toMatchObject({
      reason: 'Essential container in task exited',
      containers: [{ exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }],
    });
  });

  test('StopTask kills the task (exit 137) and its credentials are gone afterwards', async () => {
    const fetchStatus = `/usr/bin/python3 -c "import os,urllib.request,urllib.error
try: print('fetch', urllib.request.urlopen('http://169.254.170.2'+os.environ['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']).status)
except urllib.error.HTTPError as e: print('fetch', e.code)"`;
    const run = await lab().runTask({
      container: {
        ...seedContainer(lab()),
        command: [`echo "uri=$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"; ${fetchStatus}; sleep 300`],
      },
      stopAfterMs: 4000,
    });
    expect(run.stopped.containers[0]?.exitCode).toBe(137);
    expect(run.stopped.reason).toBeUndefined(); // ECS keeps StopTask's reason
    expect(run.lines).toContain('fetch 200');
    const uri = run.lines.find((line) => line.startsWith('uri='))?.slice(4) ?? '';
    expect(uri).toMatch(/^\/v2\/credentials\/[0-9a-f-]{36}$/);
    const after = await lab().mini.exec('/usr/bin/python3', [
      '-c',
      `import urllib.request,urllib.error
try: urllib.request.urlopen('http://127.0.0.1:51679${uri}')
except urllib.error.HTTPError as e: print(e.code, e.read().decode())`,
    ]);
    expect(after.stdout).toContain(
      '400 {"code":"InvalidIdInRequest","message":"CredentialsV2Request: Credentials not found","HTTPErrorCode":400}',
    );
  });
});

test.describe('lab agent with RPS limit 1,1, no host-mode flag, and a trust-checking issuer (needs root)', () => {
  const lab = useAgentLab({
    ecsConfigExtra: 'ECS_TASK_METADATA_RPS_LIMIT=1,1\nECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=false\n',
    issuer: (mini) => {
      const sts = new STSClient({
        endpoint: mini.moto.endpoint,
        region: REGION,
        maxAttempts: 1,
        credentials: mini.serviceIdentity,
      });
      return async (roleArn, sessionName) => {
        if (roleArn.includes('untrusted')) throw new RoleNotAssumableError(roleArn);
        const { Credentials } = await sts.send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }),
        );
        return {
          RoleArn: roleArn,
          AccessKeyId: Credentials?.AccessKeyId ?? '',
          SecretAccessKey: Credentials?.SecretAccessKey ?? '',
          Token: Credentials?.SessionToken ?? '',
          Expiration: Credentials?.Expiration?.toISOString() ?? '',
        };
      };
    },
  });

  test('the network-host capability is not registered', () => {
    const registered = lab().agent.events.find((event) => event.type === 'registered');
    const names = registered?.type === 'registered' ? registered.attributes : [];
    expect(names).toContain(TASK_IAM_ROLE);
    expect(names).not.toContain(TASK_IAM_ROLE_NETWORK_HOST);
  });

  test('a burst of credential fetches gets 429s, each in the audit log', async () => {
    const container = clientContainer({
      client: 'awscli-v1',
      variant: 'pid1',
      cluster: lab().mini.clusterName,
      region: REGION,
      endpoint: lab().mini.moto.endpoint,
      burst: 10,
    });
    const run = await lab().runTask({ container });
    const burst = run.lines.find((line) => line.startsWith('burst: '));
    const throttled = Number(/(\d+) throttled/.exec(burst ?? '')?.[1]);
    expect(throttled, run.lines.join('\n')).toBeGreaterThan(0);
    const audit = await readFile(join(lab().mini.host.rootDir, 'var/log/ecs/audit.log'), 'utf8');
    expect(
      audit.split('\n').filter((line) => / 429 \S+ "\/v2\/credentials" /.test(line)).length,
    ).toBeGreaterThanOrEqual(throttled);
  });

  test('a role ECS cannot assume stops the task with ECS’s message before anything runs', async () => {
    const untrusted = lab().mini.taskRoleArn.replace(/role\/.*/, 'role/untrusted-role');
    const run = await lab().runTask({ container: seedContainer(lab()), taskRoleArn: untrusted });
    expect(run.stopped.reason).toBe(
      `ECS was unable to assume the role '${untrusted}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`,
    );
    expect(run.stopped.containers).toEqual([]);
    expect(run.lines).toEqual([]);
  });

  test('the launcher-side issuer gives the task its role (IPC path)', async () => {
    const run = await lab().runTask({ container: seedContainer(lab()) });
    expect(callerArn(run.lines)).toContain(`assumed-role/${lab().mini.taskRoleArn.split('/').pop()}/`);
  });
});

test('an agent HTTP_PROXY without NO_PROXY sends IMDS through the proxy: the instance never registers', async () => {
  const lab = await startAgentLab({ ecsConfigExtra: 'HTTP_PROXY=198.18.255.254:3128\n', waitForRegistration: false });
  try {
    const failure = await new Promise<AgentEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no registration attempt reported')), 240_000);
      const check = () => {
        const event = lab.agent.events.find((candidate) => candidate.type === 'registration-failed');
        if (event) {
          clearTimeout(timer);
          resolve(event);
        } else setTimeout(check, 200);
      };
      check();
    });
    expect(failure.type === 'registration-failed' && failure.error).toMatch(
      /EC2 metadata .*proxyconnect 198\.18\.255\.254:3128/,
    );
    expect(lab.agent.events.some((event) => event.type === 'registered')).toBe(false);
  } finally {
    await lab.destroy();
  }
});

test('a killed agent takes its running tasks along (no orphan task processes)', async () => {
  const lab = await startAgentLab();
  try {
    const marker = `sleep ${3000 + Math.floor(Math.random() * 999)}`;
    const definition = await lab.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'orphan-check',
        taskRoleArn: lab.mini.taskRoleArn,
        containerDefinitions: [
          {
            name: 'app',
            image: 'public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0',
            memory: 128,
            entryPoint: ['/bin/sh', '-c'],
            command: [marker],
          },
        ],
      }),
    );
    await lab.ecs.send(
      new RunTaskCommand({
        cluster: lab.mini.clusterName,
        taskDefinition: definition.taskDefinition?.taskDefinitionArn,
      }),
    );
    await expect
      .poll(() => lab.agent.events.some((event) => event.type === 'task' && event.status === 'RUNNING'), {
        timeout: 180_000,
      })
      .toBe(true);
    // RUNNING is reported once the sandbox is up; its shell may exec the command a moment later.
    await expect.poll(() => processesMatching(marker), { timeout: 60_000 }).toBe(1);
    process.kill(lab.agent.pid ?? 0, 'SIGKILL');
    await expect.poll(() => processesMatching(marker), { timeout: 60_000 }).toBe(0);
  } finally {
    await lab.destroy();
  }
});

async function processesMatching(commandLine: string): Promise<number> {
  let count = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.replaceAll('\0', ' ').trim() === commandLine) count += 1;
  }
  return count;
}
