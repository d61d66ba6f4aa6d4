import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { InfrastructureError } from '../../core/errors.ts';
import { openAppendNoFollow, writeFileNoFollowSync } from '../../infra/system/no-follow.ts';
import { daemonEnvironment } from '../system/daemon-environment.ts';
import { holdersEnvironment, type LabHolders } from '../system/lab-holders.ts';
import { isLabProcess, stopLabProcess } from '../system/lab-process.ts';
import { bootstrapIdentities, LAB_SERVICE_USERS, type LabIdentities } from './identities.ts';

/**
 * Only a hung start waits it out (a moto that exits is seen at once). Importing moto's server alone took
 * 21.6 s of wall time (0.97 s of CPU) on a 2-core machine at load 40, and the lab's moto answered 73–78 s
 * after its start there: 20 s failed lab starts beside other work.
 */
const READY_TIMEOUT_MS = 180_000;
const MOTO_LAB = fileURLToPath(new URL('./moto-lab/moto_lab.py', import.meta.url));
/** What a /moto-api/* request must carry, equal to the lab's admin token (moto-lab/lab_admin.py). */
export const LAB_ADMIN_HEADER = 'x-ecs-taskrole-lab-admin';

/**
 * Starts moto's server with the lab's fixes (moto-lab/) detached on a free loopback port (it outlives the
 * CLI that started it; `lab down` stops it by pid), with AWS managed policies loaded, ECS tasks left where
 * the agent puts them, the lab's identities created and IAM enforcement switched on. Its output goes to
 * `files.log`; its pid is written to `files.pid` as soon as it exists; GetConsoleOutput answers from the
 * consoles the data plane keeps in `files.consoles`. Given `holders`, it ends itself once nothing holds the
 * lab (moto-lab/lab_watchdog.py).
 */
export async function startMoto(
  python: string,
  region: string,
  labDir: string,
  files: { log: string; pid: string; consoles: string },
  holders?: Omit<LabHolders, 'pidFile'>,
): Promise<{ endpoint: string; pid: number; identities: LabIdentities; adminToken: string }> {
  const logFile = files.log;
  const port = await freeLoopbackPort();
  // moto's admin API switches IAM enforcement off: only this lab may call it (any local user reaches the port).
  const adminToken = randomBytes(32).toString('hex');
  const log = openAppendNoFollow(logFile);
  // A daemon: detached, its output in the lab's log file, outliving this process.
  const child = spawn(python, [MOTO_LAB, '127.0.0.1', String(port), labDir], {
    detached: true,
    stdio: ['ignore', log, log],
    // An allow-list: the caller's AWS_* keys and other secrets never reach the daemon.
    env: daemonEnvironment({
      MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
      ECS_TASKROLE_LAB_SERVICES: JSON.stringify(LAB_SERVICE_USERS),
      ECS_TASKROLE_LAB_CONSOLE_DIR: files.consoles,
      // In its environment, not argv: /proc/<pid>/environ is readable by its owner only.
      ECS_TASKROLE_LAB_ADMIN_TOKEN: adminToken,
      // No __pycache__ beside the fixes: a clone stays clean, an installed package may be read-only.
      PYTHONDONTWRITEBYTECODE: '1',
      ...(holders ? holdersEnvironment({ ...holders, pidFile: files.pid }) : {}),
    }),
  });
  closeSync(log);
  child.on('error', () => {}); // a failed spawn shows as "exited during start-up" below
  child.unref();
  const startupErrors = () => readFileSync(logFile, 'utf8').slice(-2_000);
  const pid = child.pid;
  if (pid === undefined) throw new InfrastructureError(`could not start ${python} ${MOTO_LAB}: ${startupErrors()}`);
  // Before it is ready: a `lab up` killed now must not orphan it (`lab down` reads this file).
  writeFileNoFollowSync(files.pid, String(pid));
  const endpoint = `http://127.0.0.1:${port}`;
  const admin = { endpoint, adminToken };
  try {
    await waitUntilReady(admin, pid, startupErrors);
    await postMotoAdmin(admin, '/moto-api/state-manager/set-transition', {
      model_name: 'ecs::task',
      transition: { progression: 'manual', times: 1_000_000 },
    });
    await warmServices(endpoint, region);
    const identities = await bootstrapIdentities(endpoint, region);
    // Raw body `0`: enforcement from now on (a form-encoded body is a 500).
    await postMotoAdmin(admin, '/moto-api/reset-auth', 0);
    return { endpoint, pid, identities, adminToken };
  } catch (error) {
    await stopMoto(pid);
    throw error;
  }
}

/** The first call per service costs up to ~1.3 s in moto; pay it at start-up, not in the first cell. */
async function warmServices(endpoint: string, region: string): Promise<void> {
  const config = {
    endpoint,
    region,
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

async function waitUntilReady(lab: MotoAdmin, pid: number, errors: () => string): Promise<void> {
  const { endpoint } = lab;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isMotoProcess(pid)) {
      throw new InfrastructureError(`moto server (pid ${pid}) exited during start-up: ${errors().trim()}`);
    }
    if (await motoAnswers(lab)) return;
    await sleep(100);
  }
  throw new InfrastructureError(`moto server did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Where the lab's moto listens and the token its admin API (/moto-api/*) asks for. */
export interface MotoAdmin {
  endpoint: string;
  adminToken: string;
}

/**
 * A call to moto's admin API as the lab (e.g. `reset-auth` with `0`: IAM enforcement from now on). A string
 * body is sent as it is (reset-auth's count, e.g. `inf`), anything else as JSON.
 */
export async function postMotoAdmin(lab: MotoAdmin, path: `/moto-api/${string}`, body: unknown): Promise<void> {
  const response = await fetch(`${lab.endpoint}${path}`, {
    method: 'POST',
    headers: { [LAB_ADMIN_HEADER]: lab.adminToken },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!response.ok) throw new InfrastructureError(`moto ${path} answered HTTP ${response.status}`);
}

/** Whether the lab's moto answers its admin API's index (with the lab's token). */
export async function motoAnswers(lab: MotoAdmin): Promise<boolean> {
  return fetch(`${lab.endpoint}/moto-api/`, { headers: { [LAB_ADMIN_HEADER]: lab.adminToken } }).then(
    (response) => response.ok,
    () => false,
  );
}

const MOTO_MARKER = 'moto_lab.py';

export function isMotoProcess(pid: number): boolean {
  return isLabProcess(pid, MOTO_MARKER);
}

/**
 * moto holds its state in memory and nothing reads its log after start-up: a short grace, not the second
 * its server takes to wind down on SIGTERM.
 */
export async function stopMoto(pid: number): Promise<void> {
  await stopLabProcess(pid, MOTO_MARKER, 200);
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
