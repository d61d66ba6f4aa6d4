import { fork } from 'node:child_process';
import { closeSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InfrastructureError } from '../../core/errors.ts';
import type { LabAgent } from '../../core/run-config.ts';
import { moduleFile } from '../../infra/files/module-file.ts';
import { openAppendNoFollow, writeFileNoFollowSync } from '../../infra/system/no-follow.ts';
import { daemonEnvironment } from '../system/daemon-environment.ts';
import { holdersEnvironment, type LabHolders } from '../system/lab-holders.ts';
import { isLabProcess, stopLabProcess } from '../system/lab-process.ts';
import type { DaemonMessage, DaemonStart } from './daemon.ts';
import type { LabControlPlane } from './index.ts';
import { cleanupLab } from './network/cleanup.ts';

const DAEMON = moduleFile('./daemon.ts', import.meta.url);
const DAEMON_MARKER = `data-plane/${basename(DAEMON)}`;
/** Only a hung start waits it out (an exit is seen at once); a lab up took 95 s at load 29 on 2 cores. */
const READY_TIMEOUT_MS = 180_000;
/** Its hosts shut down side by side in about a second; past this it is stuck. */
const STOP_GRACE_MS = 15_000;

/** The control plane the daemon works on, and moto's pid when the lab runs one (the daemon ends with it). */
export type ControlPlaneOfDaemon = LabControlPlane & { motoPid?: number };

/** What `lab up` records about its data plane. */
export interface DataPlaneDaemon {
  pid: number;
  /** The lab network's name prefix: `lab down` removes what carries it, also after a crash. */
  prefix: string;
  /** The control plane as instances and their tasks reach it (the tasks' AWS endpoint). */
  endpointForInstances: string;
  /** The lab's HTTP proxy (agentProxy and taskProxy cells). */
  proxyUrl: string;
  /** The ECS agent its instances run (absent: the model, as before the choice existed). */
  labAgent?: LabAgent;
}

/**
 * Starts the data plane detached (it outlives `lab up`) on the lab's control plane; resolves once its
 * network is up. Its output goes to `files.log`; its pid is written to `files.pid` as soon as it exists;
 * the instances' consoles go to `files.consoles` (the control plane reads them there). Given `holders`, it
 * ends itself once nothing holds the lab or its control plane's moto (`motoPid`) is gone (daemon.ts).
 */
export async function startDataPlaneDaemon(
  controlPlane: ControlPlaneOfDaemon | Promise<ControlPlaneOfDaemon>,
  files: { log: string; pid: string; consoles: string },
  labAgent: LabAgent = 'model',
  holders?: Omit<LabHolders, 'pidFile'>,
): Promise<DataPlaneDaemon> {
  const logFile = files.log;
  const log = openAppendNoFollow(logFile);
  // An allow-list environment: the caller's AWS_* keys and other secrets never reach the daemon.
  const child = fork(DAEMON, [files.consoles, labAgent, logFile], {
    detached: true,
    stdio: ['ignore', log, log, 'ipc'],
    env: daemonEnvironment(holders ? holdersEnvironment({ ...holders, pidFile: files.pid }) : {}),
  });
  closeSync(log);
  const pid = child.pid;
  // Before it is ready: a `lab up` killed now must not orphan it (`lab down` reads this file).
  if (pid !== undefined) writeFileNoFollowSync(files.pid, String(pid));
  try {
    // Listening before anything is sent: a daemon that dies while loading is reported, not waited for.
    const ready = new Promise<DaemonMessage>((resolve, reject) => {
      child.once('message', (value) => resolve(value as DaemonMessage));
      child.once('exit', (code) => {
        // Also heard at the lab's end, once its files are gone (a lab whose holders are gone removes them).
        reject(new Error(`exited with code ${code}: ${logTail(logFile)}`));
      });
    });
    ready.catch(() => undefined);
    child.on('error', () => undefined); // a send to a daemon that died: its exit says why
    // Forked first, told later: it loads its modules, makes its network, image roots and agents' program
    // while the control plane starts (`lab up`).
    // Over IPC, not argv: the identities' keys must not show in the process list. Only the ones it uses.
    const { endpoint, region, identities, motoPid } = await controlPlane;
    const { dataPlane, ecsService, ec2Service } = identities;
    child.send({
      controlPlane: { endpoint, region, identities: { dataPlane, ecsService, ec2Service } },
      ...(motoPid === undefined ? {} : { motoPid }),
    } satisfies DaemonStart);
    // Its own start is timed from here: the control plane's start (awaited above) is not part of it.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    });
    const message = await Promise.race([ready, timedOut]).finally(() => clearTimeout(timer));
    if (!message.ready) throw new Error(message.error);
    if (pid === undefined) throw new Error('no pid');
    child.disconnect();
    child.unref();
    return {
      pid,
      prefix: message.prefix,
      endpointForInstances: message.endpointForInstances,
      proxyUrl: message.proxyUrl,
      labAgent,
    };
  } catch (error) {
    if (pid !== undefined) await stopLabProcess(pid, DAEMON_MARKER);
    const reason = error instanceof Error ? error.message : String(error);
    throw new InfrastructureError(`the lab's data plane did not start: ${reason} (log: ${logFile})`);
  }
}

export function isDataPlaneRunning(daemon: Pick<DataPlaneDaemon, 'pid'>): boolean {
  return isLabProcess(daemon.pid, DAEMON_MARKER);
}

/**
 * A daemon `lab up` started but never recorded as ready (it was killed meanwhile). Its network prefix is
 * unknown: the labs whose owner process is gone are removed instead.
 */
export async function stopUnrecordedDataPlane(pid: number): Promise<void> {
  await stopLabProcess(pid, DAEMON_MARKER, STOP_GRACE_MS);
  await cleanupLab(undefined);
}

/**
 * Stops the data plane (it shuts its hosts down), then removes whatever its network left (after a crash).
 * A daemon that had to be killed leaves its log where `lab down` (which removes the lab's folder) does not
 * reach: the one way to learn what it was stuck on.
 */
export async function stopDataPlaneDaemon(daemon: DataPlaneDaemon, logFile: string): Promise<void> {
  const { killed } = await stopLabProcess(daemon.pid, DAEMON_MARKER, STOP_GRACE_MS);
  if (killed) keepLogOfKilled(logFile);
  await cleanupLab(daemon.prefix);
}

function keepLogOfKilled(logFile: string): void {
  const kept = join(tmpdir(), `ecs-taskrole-data-plane-killed-${new Date().toISOString().replaceAll(':', '')}.log`);
  try {
    writeFileSync(kept, readFileSync(logFile), { mode: 0o600, flag: 'wx' });
    process.stderr.write(
      `lab: the data plane did not stop within ${STOP_GRACE_MS / 1000} s and was killed (the lab is still removed); its log: ${kept}\n`,
    );
  } catch {
    process.stderr.write(`lab: the data plane did not stop within ${STOP_GRACE_MS / 1000} s and was killed\n`);
  }
}

/** The end of the daemon's log, or nothing once the lab removed its files. */
function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').slice(-2_000).trim();
  } catch {
    return '(its log is gone)';
  }
}
