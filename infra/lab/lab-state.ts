import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LabIdentities } from './control-plane/identities.ts';
import type { DataPlaneDaemon } from './data-plane/daemon-process.ts';

/** What a running lab is: where its control plane listens and which processes belong to it. */
export interface LabState {
  endpoint: string;
  region: string;
  motoPid: number;
  python: string;
  startedAt: string;
  /** Access keys of the identities the lab bootstrapped: why this file is owner-only. */
  identities: LabIdentities;
  /** Present when `lab up` started the data plane (simulated hosts). */
  dataPlane?: DataPlaneDaemon;
}

/** $ECS_TASKROLE_LAB_DIR, else $XDG_STATE_HOME/ecs-taskrole/lab, else ~/.local/state/ecs-taskrole/lab. */
export function labDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ECS_TASKROLE_LAB_DIR) return env.ECS_TASKROLE_LAB_DIR;
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'ecs-taskrole', 'lab');
}

export function labStatePath(dir: string = labDir()): string {
  return join(dir, 'state.json');
}

/** Owner-only (0700 dir, 0600 file): the state holds the lab identities' keys. */
export function writeLabState(state: LabState, dir: string = labDir()): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(labStatePath(dir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

export function readLabState(dir: string = labDir()): LabState | undefined {
  try {
    return JSON.parse(readFileSync(labStatePath(dir), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** moto's own output (start-up errors, access log): beside the state, removed with it. */
export function labLogPath(dir: string = labDir()): string {
  return join(dir, 'moto.log');
}

/** The pid of a lab process, written as soon as it exists (before the state file). */
export function labPidPath(dir: string, process: 'moto' | 'data-plane'): string {
  return join(dir, `${process}.pid`);
}

export function readLabPid(dir: string, process: 'moto' | 'data-plane'): number | undefined {
  try {
    const pid = Number(readFileSync(labPidPath(dir, process), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function removeLabState(dir: string = labDir()): void {
  rmSync(dir, { recursive: true, force: true });
}
