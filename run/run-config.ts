import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { tasksPerInstance } from '../core/caps.ts';
import {
  type BackendName,
  DEFAULT_CELL_TIMEOUT_MS,
  DEFAULT_OUT_DIR,
  REGISTRATION_TIMEOUT_MS,
  RUN_CONFIG_ENV,
  RUN_FILES,
  type RunConfig,
  runConfigSchema,
} from '../core/run-config.ts';
import { readJsonFile } from '../infra/files/json-file.ts';

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
    outDir: resolve(process.env.ECS_TASKROLE_OUT ?? DEFAULT_OUT_DIR),
    keep: false,
    cellTimeoutMs: DEFAULT_CELL_TIMEOUT_MS.lab,
    amiPins: {},
  };
}

/** The run's config as `ecs-taskrole run` recorded it, else the defaults (`npx playwright test` directly). */
export function readRunConfig(): RunConfig {
  const file = process.env[RUN_CONFIG_ENV];
  if (!file || !existsSync(file)) return defaultRunConfig();
  return readJsonFile(file, runConfigSchema);
}

/** Where one of the run's files lives. */
export function runFile(config: Pick<RunConfig, 'outDir'>, name: keyof typeof RUN_FILES): string {
  return resolve(config.outDir, RUN_FILES[name]);
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
