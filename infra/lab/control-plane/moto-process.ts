import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { execa } from 'execa';
import { InfrastructureError } from '../../../model/errors.ts';

const READY_TIMEOUT_MS = 20_000;

/**
 * Starts moto's server detached on a free loopback port (it outlives the CLI that started it; `lab down`
 * stops it by pid), with AWS managed policies loaded and ECS tasks left where the agent puts them.
 */
export async function startMoto(python: string): Promise<{ endpoint: string; pid: number }> {
  const port = await freeLoopbackPort();
  const child = execa(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: 'ignore',
    reject: false,
    env: { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  child.nodeChildProcess.unref();
  const pid = child.pid;
  if (pid === undefined) throw new InfrastructureError(`could not start ${python} -m moto.server`);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, pid);
    await post(endpoint, '/moto-api/state-manager/set-transition', {
      model_name: 'ecs::task',
      transition: { progression: 'manual', times: 1_000_000 },
    });
    await warmServices(endpoint);
  } catch (error) {
    await stopProcess(pid);
    throw error;
  }
  return { endpoint, pid };
}

/** The first call per service costs up to ~1.3 s in moto; pay it at start-up, not in the first cell. */
async function warmServices(endpoint: string): Promise<void> {
  const config = {
    endpoint,
    region: 'us-west-2',
    maxAttempts: 1,
    credentials: { accessKeyId: 'lab-warmup', secretAccessKey: 'lab-warmup' },
  };
  await Promise.all([
    new ECSClient(config).send(new ListClustersCommand({})),
    new EC2Client(config).send(new DescribeRegionsCommand({})),
    new IAMClient(config).send(new ListRolesCommand({ MaxItems: 1 })),
    new STSClient(config).send(new GetCallerIdentityCommand({})),
    new CloudWatchLogsClient(config).send(new DescribeLogGroupsCommand({ limit: 1 })),
    new SSMClient(config).send(new GetParametersByPathCommand({ Path: '/aws/service/ecs', MaxResults: 1 })),
  ]);
}

async function waitUntilReady(endpoint: string, pid: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isMotoProcess(pid)) throw new InfrastructureError(`moto server (pid ${pid}) exited during start-up`);
    const up = await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return;
    await sleep(100);
  }
  throw new InfrastructureError(`moto server did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s`);
}

async function post(endpoint: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new InfrastructureError(`moto ${path} answered HTTP ${response.status}`);
}

/** True only for a live moto server: a recycled pid of another program is never ours to kill. */
export function isMotoProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('moto.server');
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the process is gone. */
export async function stopProcess(pid: number): Promise<void> {
  if (!isMotoProcess(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 3_000 && isMotoProcess(pid); waited += 50) await sleep(50);
  if (isMotoProcess(pid)) process.kill(pid, 'SIGKILL');
  for (let waited = 0; waited < 2_000 && isMotoProcess(pid); waited += 50) await sleep(50);
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
