import { existsSync } from 'node:fs';
import { DEFAULT_CELL_TIMEOUT_MS, REGISTRATION_TIMEOUT_MS, type RunConfig } from '../core/run-config.ts';
import { outDirOf } from './env/out-dir.ts';
import { runConfigPathOf } from './env/run-config-path.ts';
import { readRunConfigFile } from './files/run-config-file.ts';

export function defaultRunConfig(): RunConfig {
  return {
    backend: 'lab',
    outDir: outDirOf(),
    keep: false,
    cellTimeoutMs: DEFAULT_CELL_TIMEOUT_MS.lab,
    amiPins: {},
  };
}

/** The run's config as `ecs-taskrole run` recorded it, else the defaults (`npx playwright test` directly). */
export function readRunConfig(): RunConfig {
  const file = runConfigPathOf();
  if (!file || !existsSync(file)) return defaultRunConfig();
  return readRunConfigFile(file);
}

/** A cell's own test limit once it may start: its instance's registration, its task's limit, a margin. */
export function cellTestTimeoutMs(config: Pick<RunConfig, 'backend' | 'cellTimeoutMs'>): number {
  return REGISTRATION_TIMEOUT_MS[config.backend] + config.cellTimeoutMs + 60_000;
}

/**
 * How long a cell may wait for provisioning to reach its group (cells start with the run): the backend
 * opening, an instance registering and, for a rebooted group, registering again. `run` stops the cells
 * sooner when provisioning fails.
 */
export function runStateWaitMs(config: Pick<RunConfig, 'backend'>): number {
  return 2 * REGISTRATION_TIMEOUT_MS[config.backend] + 5 * 60_000;
}
