import { type LabState, labDir, labStatePath, readLabState, removeLabState, writeLabState } from '../lab-state.ts';
import { findMotoPython } from './find-moto.ts';
import { isMotoProcess, startMoto, stopProcess } from './moto-process.ts';

export const LAB_REGION = 'us-west-2';

export type LabStatus =
  | { state: 'stopped'; statePath: string }
  | { state: 'running'; statePath: string; endpoint: string; pid: number; startedAt: string }
  /** A state file whose moto is gone or silent: what a crash leaves; `lab up` and `lab down` clear it. */
  | { state: 'stale'; statePath: string; reason: string };

export async function labStatus(dir: string = labDir()): Promise<LabStatus> {
  const statePath = labStatePath(dir);
  const lab = readLabState(dir);
  if (!lab) return { state: 'stopped', statePath };
  if (!isMotoProcess(lab.motoPid)) return { state: 'stale', statePath, reason: `moto pid ${lab.motoPid} is gone` };
  const answers = await fetch(`${lab.endpoint}/moto-api/`).then(
    (response) => response.ok,
    () => false,
  );
  if (!answers)
    return { state: 'stale', statePath, reason: `moto pid ${lab.motoPid} does not answer on ${lab.endpoint}` };
  return { state: 'running', statePath, endpoint: lab.endpoint, pid: lab.motoPid, startedAt: lab.startedAt };
}

/** Starts the lab, or reuses a healthy one; leftovers of a crashed lab are cleared first. */
export async function labUp(dir: string = labDir()): Promise<{ lab: LabState; reused: boolean; statePath: string }> {
  const status = await labStatus(dir);
  const existing = readLabState(dir);
  if (status.state === 'running' && existing) return { lab: existing, reused: true, statePath: status.statePath };
  if (status.state === 'stale') await labDown(dir);
  const python = await findMotoPython();
  const { endpoint, pid } = await startMoto(python);
  const lab: LabState = { endpoint, region: LAB_REGION, motoPid: pid, python, startedAt: new Date().toISOString() };
  writeLabState(lab, dir);
  return { lab, reused: false, statePath: labStatePath(dir) };
}

/** Stops everything the lab recorded and removes its state; safe to repeat, and after a crash. */
export async function labDown(dir: string = labDir()): Promise<{ stopped: boolean }> {
  const lab = readLabState(dir);
  if (lab) await stopProcess(lab.motoPid);
  removeLabState(dir);
  return { stopped: lab !== undefined };
}
