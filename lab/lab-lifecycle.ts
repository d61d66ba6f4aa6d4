import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { InfrastructureError } from '../core/errors.ts';
import type { LabAgent } from '../core/run-config.ts';
import { writeFileNoFollowSync } from '../infra/system/no-follow.ts';
import { findMotoPython } from './control-plane/find-moto.ts';
import { isMotoProcess, motoAnswers, startMoto, stopMoto } from './control-plane/moto-process.ts';
import {
  isDataPlaneRunning,
  startDataPlaneDaemon,
  stopDataPlaneDaemon,
  stopUnrecordedDataPlane,
} from './data-plane/daemon-process.ts';
import { assertLabHostReady } from './data-plane/network/preflight.ts';
import { runsDir, STARTED_BY_RUN } from './lab-leases.ts';
import {
  ensureLabDir,
  type LabState,
  labDir,
  labLogPath,
  labPidPath,
  labStatePath,
  readLabPid,
  readLabState,
  removeLabState,
  writeLabState,
} from './lab-state.ts';
import { HOLDER_PID_ENV, holderProcesses, KEPT_FILE, type LabHolders } from './system/lab-holders.ts';

export const LAB_REGION = 'us-west-2';

/**
 * The instances' consoles, beside the lab state (removed with it): the data plane writes them, moto's
 * GetConsoleOutput reads them, so both are told this one folder.
 */
const consolesDir = (dir: string) => join(dir, 'consoles');
/** The data-plane daemon's output and pid, beside the lab state (removed with it). */
const dataPlaneFiles = (dir: string) => ({
  log: join(dir, 'data-plane.log'),
  pid: labPidPath(dir, 'data-plane'),
  consoles: consolesDir(dir),
});

export type LabStatus =
  | { state: 'stopped'; statePath: string }
  | { state: 'running'; statePath: string; endpoint: string; pid: number; startedAt: string; dataPlane: boolean }
  /** A state file whose processes are gone or silent: what a crash leaves; `lab up` and `lab down` clear it. */
  | { state: 'stale'; statePath: string; reason: string };

export interface LabUpOptions {
  /** Also start the data plane (simulated hosts; needs root). Without it, only the AWS APIs run. */
  dataPlane?: boolean;
  /** The ECS agent its instances run (default `model`); a running lab with another one is refused. */
  labAgent?: LabAgent;
  /**
   * `ecs-taskrole lab up`: the lab stays until `lab down`, unless ECS_TASKROLE_LAB_HOLDER_PID names the process
   * that holds it. Otherwise (a run, a spec) it ends itself once this process, that one and every run's
   * lease are gone (system/lab-holders.ts).
   */
  keptUntilLabDown?: boolean;
}

/** Who holds the daemons this process starts now (their watchdogs read it: system/lab-holders.ts). */
function holdersOf(dir: string): Omit<LabHolders, 'pidFile'> {
  return { labDir: dir, leasesDir: runsDir(dir), processes: holderProcesses() };
}

/** Marks the lab kept until `lab down` (its daemons' watchdogs then never end it). */
function markKept(dir: string, options: LabUpOptions): void {
  if (options.keptUntilLabDown && process.env[HOLDER_PID_ENV] === undefined) {
    writeFileNoFollowSync(join(dir, KEPT_FILE), '');
    // A lab a run started, now kept by `lab up`: the last run's end must not stop it.
    rmSync(join(dir, STARTED_BY_RUN), { force: true });
  }
}

export async function labStatus(dir: string = labDir()): Promise<LabStatus> {
  const statePath = labStatePath(dir);
  const lab = readLabState(dir);
  if (!lab) return { state: 'stopped', statePath };
  if (!isMotoProcess(lab.motoPid)) return { state: 'stale', statePath, reason: `moto pid ${lab.motoPid} is gone` };
  if (lab.dataPlane && !isDataPlaneRunning(lab.dataPlane)) {
    return { state: 'stale', statePath, reason: `data plane pid ${lab.dataPlane.pid} is gone` };
  }
  if (!(await motoAnswers(lab)))
    return { state: 'stale', statePath, reason: `moto pid ${lab.motoPid} does not answer on ${lab.endpoint}` };
  return {
    state: 'running',
    statePath,
    endpoint: lab.endpoint,
    pid: lab.motoPid,
    startedAt: lab.startedAt,
    dataPlane: lab.dataPlane !== undefined,
  };
}

/** What `lab up` gives: the lab, whether it was already running, and where its state is. */
export interface LabUp {
  lab: LabState;
  reused: boolean;
  statePath: string;
}

/**
 * Starts the lab, or reuses a healthy one (starting its data plane if asked and missing); leftovers of a
 * crashed lab are cleared first.
 */
export async function labUp(dir: string = labDir(), options: LabUpOptions = {}): Promise<LabUp> {
  if (options.dataPlane) await assertLabHostReady();
  const status = await labStatus(dir);
  const existing = readLabState(dir);
  const labAgent = options.labAgent ?? 'model';
  if (status.state === 'running' && existing)
    return reuseRunningLab(dir, existing, status.statePath, options, labAgent);
  if (status.state === 'stale') await labDown(dir);
  const python = await findMotoPython();
  // Owner-only before moto writes its log and pid there (an existing 0755 directory is corrected).
  ensureLabDir(dir);
  // Before its daemons start: they end themselves once nothing holds the lab.
  markKept(dir, options);
  const motoStarting = startMoto(
    python,
    LAB_REGION,
    dir,
    { log: labLogPath(dir), pid: labPidPath(dir, 'moto'), consoles: consolesDir(dir) },
    holdersOf(dir),
  ).then(
    ({ endpoint, pid, identities, adminToken }): LabState => ({
      endpoint,
      region: LAB_REGION,
      motoPid: pid,
      python,
      startedAt: new Date().toISOString(),
      identities,
      adminToken,
    }),
  );
  // The data plane loads while moto starts (about a second saved); it learns the control plane once moto is up.
  const dataPlaneStarting = options.dataPlane
    ? startDataPlaneDaemon(motoStarting, dataPlaneFiles(dir), labAgent, holdersOf(dir))
    : undefined;
  dataPlaneStarting?.catch(() => undefined);
  let lab: LabState;
  try {
    lab = await motoStarting;
  } catch (error) {
    await dataPlaneStarting?.catch(() => undefined);
    await labDown(dir);
    throw error;
  }
  writeLabState(lab, dir);
  if (dataPlaneStarting) {
    try {
      lab = { ...lab, dataPlane: await dataPlaneStarting };
    } catch (error) {
      await labDown(dir);
      throw error;
    }
    writeLabState(lab, dir);
  }
  return { lab, reused: false, statePath: labStatePath(dir) };
}

/** A lab already running is reused; its data plane starts now if one is asked for and it has none. */
async function reuseRunningLab(
  dir: string,
  existing: LabState,
  statePath: string,
  options: LabUpOptions,
  labAgent: LabAgent,
): Promise<LabUp> {
  if (options.dataPlane && existing.dataPlane) assertSameAgent(existing.dataPlane.labAgent ?? 'model', labAgent, dir);
  markKept(dir, options);
  if (!options.dataPlane || existing.dataPlane) return { lab: existing, reused: true, statePath };
  const lab = {
    ...existing,
    dataPlane: await startDataPlaneDaemon(existing, dataPlaneFiles(dir), labAgent, holdersOf(dir)),
  };
  writeLabState(lab, dir);
  return { lab, reused: true, statePath };
}

/** A running lab's instances run one agent: a run asking for the other must not silently get this one. */
function assertSameAgent(running: LabAgent, wanted: LabAgent, dir: string): void {
  if (running === wanted) return;
  throw new InfrastructureError(
    `the lab running in ${dir} runs the ${running} ECS agent, not the ${wanted} one this run asks for (--lab-agent); stop it with \`ecs-taskrole lab down\` first, or run with --lab-agent ${running}`,
  );
}

/** Stops everything the lab recorded and removes its state; safe to repeat, and after a crash. */
export async function labDown(dir: string = labDir()): Promise<{ stopped: boolean }> {
  const lab = readLabState(dir);
  const motoPid = lab?.motoPid ?? readLabPid(dir, 'moto');
  // Side by side: the data plane's hosts need nothing from the control plane to shut down.
  await Promise.all([
    (async () => {
      if (lab?.dataPlane) await stopDataPlaneDaemon(lab.dataPlane, dataPlaneFiles(dir).log);
      // Processes of a `lab up` that was killed before it wrote the state file.
      const daemonPid = readLabPid(dir, 'data-plane');
      if (daemonPid !== undefined) await stopUnrecordedDataPlane(daemonPid);
    })(),
    motoPid === undefined ? undefined : stopMoto(motoPid),
  ]);
  // By name, not only with the folder: the next lab in this folder is kept only if its own `lab up` says so.
  rmSync(join(dir, KEPT_FILE), { force: true });
  removeLabState(dir);
  return { stopped: lab !== undefined || motoPid !== undefined };
}
