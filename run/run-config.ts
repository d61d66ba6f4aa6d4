import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Backend } from '../core/results/results-schema.ts';

/**
 * What one run is asked to do. `ecs-taskrole run` writes it to a file and names the file in
 * ECS_TASKROLE_RUN_CONFIG for every Playwright process; `npx playwright test` without it gets the
 * defaults (the default matrix on the lab), so both ways in run the same code.
 */
export interface RunConfig {
  matrixFile?: string;
  backend: Backend;
  /** Overrides the matrix's region. */
  region?: string;
  outDir: string;
  /** Only the cells whose id matches this regular expression. */
  grep?: string;
  /** Leave provisioned resources in place (and print how to sweep them). */
  keep: boolean;
  /** Hard limit per cell; past it the cell is TIMEOUT and the run goes on. */
  cellTimeoutMs: number;
  /** Upgrade validation: AMI id per AMI profile instead of the SSM-recommended one. */
  amiPins: Record<string, string>;
}

export const RUN_CONFIG_ENV = 'ECS_TASKROLE_RUN_CONFIG';
export const DEFAULT_OUT_DIR = 'reports/out/latest';
export const DEFAULT_CELL_TIMEOUT_MS = 60_000;

/**
 * Cells run in parallel: a cell mostly waits (on its task's clients, their timeouts and retries), so two per
 * core keep the machine busy (bench/default-matrix.ts). At most 8: on AWS the cells of one instance group
 * share one t3.small.
 */
export function defaultWorkers(): number {
  return Math.min(8, 2 * availableParallelism());
}

/** How long an instance's agent may take to register (a cell waits for its own before its time limit starts). */
export const REGISTRATION_TIMEOUT_MS: Record<Backend, number> = { lab: 30_000, aws: 600_000, localstack: 120_000 };

export function defaultRunConfig(): RunConfig {
  return {
    backend: 'lab',
    outDir: resolve(process.env.ECS_TASKROLE_OUT ?? DEFAULT_OUT_DIR),
    keep: false,
    cellTimeoutMs: DEFAULT_CELL_TIMEOUT_MS,
    amiPins: {},
  };
}

export function readRunConfig(): RunConfig {
  const file = process.env[RUN_CONFIG_ENV];
  if (!file || !existsSync(file)) return defaultRunConfig();
  return { ...defaultRunConfig(), ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<RunConfig>) };
}

/** Where the provisioned state of the run lives, shared by the setup, cell and teardown processes. */
export function runStatePath(config: RunConfig): string {
  return resolve(config.outDir, 'run-state.json');
}
