import { existsSync } from 'node:fs';
import type { RunConfig } from '../core/run-config.ts';
import type { BackendProfile } from '../infra/backends/profile.ts';
import { outDirOf } from './env/out-dir.ts';
import { runConfigPathOf } from './env/run-config-path.ts';
import { readRunConfigFile } from './files/run-config-file.ts';

export function defaultRunConfig(): RunConfig {
  return {
    backend: 'lab',
    outDir: outDirOf(),
    keep: false,
    amiPins: {},
  };
}

/** The run's config as `ecs-taskrole run` recorded it, else the defaults (`npx playwright test` directly). */
export function readRunConfig(): RunConfig {
  const file = runConfigPathOf();
  if (!file || !existsSync(file)) return defaultRunConfig();
  return readRunConfigFile(file);
}

/** The backend's figures a run's time limits follow (its profile's). */
type BackendLimits = Pick<BackendProfile, 'cellTimeoutMs' | 'registrationTimeoutMs'>;

/** A cell's time limit: the run's (`--cell-timeout`), else the backend's default. */
export function cellTimeoutOf(config: Pick<RunConfig, 'cellTimeoutMs'>, backend: BackendLimits): number {
  return config.cellTimeoutMs ?? backend.cellTimeoutMs;
}

/** A cell's own test limit once it may start: its instance's registration, its task's limit, a margin. */
export function cellTestTimeoutMs(config: Pick<RunConfig, 'cellTimeoutMs'>, backend: BackendLimits): number {
  return backend.registrationTimeoutMs + cellTimeoutOf(config, backend) + 60_000;
}

/**
 * How long a cell may wait for provisioning to reach its group (cells start with the run): the backend
 * opening, an instance registering and, for a rebooted group, registering again. `run` stops the cells
 * sooner when provisioning fails.
 */
export function runStateWaitMs(backend: BackendLimits): number {
  return 2 * backend.registrationTimeoutMs + 5 * 60_000;
}
