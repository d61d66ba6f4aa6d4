import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What a running lab is: where its control plane listens and which processes belong to it. */
export interface LabState {
  endpoint: string;
  region: string;
  motoPid: number;
  python: string;
  startedAt: string;
}

/** $ECS_TASKROLE_LAB_DIR, else $XDG_STATE_HOME/ecs-taskrole/lab, else ~/.local/state/ecs-taskrole/lab. */
export function labDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ECS_TASKROLE_LAB_DIR) return env.ECS_TASKROLE_LAB_DIR;
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'ecs-taskrole', 'lab');
}

export function labStatePath(dir: string = labDir()): string {
  return join(dir, 'state.json');
}

/** Owner-only (0700 dir, 0600 file): the state will hold the lab identities' keys. */
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

export function removeLabState(dir: string = labDir()): void {
  rmSync(dir, { recursive: true, force: true });
}
