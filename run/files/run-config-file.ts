/**
 * `--out/run-config.json`: what the run is asked to do (core/run-config.ts), written by `ecs-taskrole run`
 * (or by a direct Playwright run's global setup) and named in ECS_TASKROLE_RUN_CONFIG for every Playwright
 * process of the run.
 */
import { type RunConfig, runConfigSchema } from '../../core/run-config.ts';
import { readJsonFile, writeJsonFile } from '../../infra/files/json-file.ts';
import { inOutDir, type OutDir } from './out-dir.ts';

export const RUN_CONFIG_FILE = 'run-config.json';

export function runConfigFile(config: OutDir): string {
  return inOutDir(config, RUN_CONFIG_FILE);
}

/** Writes the config into its own `--out`; returns the file. */
export function writeRunConfigFile(config: RunConfig): string {
  const file = runConfigFile(config);
  writeJsonFile(file, config);
  return file;
}

export function readRunConfigFile(file: string): RunConfig {
  return readJsonFile(file, runConfigSchema);
}
