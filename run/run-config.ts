import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tasksPerInstance } from '../core/caps.ts';
import {
  type BackendName,
  DEFAULT_CELL_TIMEOUT_MS,
  type RunConfig,
  registrationTimeoutMs,
} from '../core/run-config.ts';
import { outDirOf } from './env/out-dir.ts';
import { runConfigPathOf } from './env/run-config-path.ts';
import { readRunConfigFile } from './files/run-config-file.ts';

/**
 * Cells run in parallel. In the lab a cell mostly waits on its task's clients (their timeouts and retries),
 * so two per core keep the machine busy, at most 8 (bench/default-matrix.ts). On AWS a cell mostly waits on
 * AWS (image pulls, installs, state changes), so more run at once, up to what one instance holds: every
 * worker may pick a cell of the same instance group, and one task too many fails to place (RESOURCE:MEMORY).
 */
export function defaultWorkers(backend: BackendName = 'lab'): number {
  if (backend === 'aws') return tasksPerInstance();
  return Math.min(8, 2 * availableParallelism());
}

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
export function cellTestTimeoutMs(config: Pick<RunConfig, 'backend' | 'cellTimeoutMs' | 'labAgent'>): number {
  return registrationTimeoutMs(config) + config.cellTimeoutMs + 60_000;
}

/**
 * How long a cell may wait for provisioning to reach its group (cells start with the run): the backend
 * opening, an instance registering and, for a rebooted group, registering again. `run` stops the cells
 * sooner when provisioning fails.
 */
export function runStateWaitMs(config: Pick<RunConfig, 'backend' | 'labAgent'>): number {
  return 2 * registrationTimeoutMs(config) + 5 * 60_000;
}
