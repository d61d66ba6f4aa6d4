import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type RunConfig, runStatePath } from './run-config.ts';

/** The provisioned state of a run, shared by the setup, cell and teardown processes through one file. */
export interface RunStateFile<State = unknown> {
  runId: string;
  state: State;
  tornDown: boolean;
}

export function writeRunState(config: RunConfig, file: RunStateFile): void {
  const path = runStatePath(config);
  mkdirSync(dirname(path), { recursive: true });
  // Atomic: a worker never reads half a file, and Ctrl-C never leaves one.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export function readRunState<State>(config: RunConfig): RunStateFile<State> | undefined {
  const path = runStatePath(config);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunStateFile<State>) : undefined;
}
