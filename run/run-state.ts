import { z } from 'zod';
import { runMetadataSchema } from '../core/results/results-schema.ts';
import type { RunConfig } from '../core/run-config.ts';
import { readJsonFileIfExists, writeJsonFile } from '../infra/files/json-file.ts';
import { runFile } from './run-config.ts';

/**
 * `--out/run-state.json`: what provisioning made, for the cell workers. The state itself is the driver's
 * (validated by the driver's own schema); the metadata goes into results.json.
 */
export const runStateFileSchema = z.strictObject({
  runId: z.string(),
  /** The run's metadata for results.json (AMI ids, agent versions…). */
  metadata: runMetadataSchema,
  state: z.unknown(),
});
export type RunStateFile = z.infer<typeof runStateFileSchema>;

export function writeRunState(config: RunConfig, file: RunStateFile): void {
  writeJsonFile(runFile(config, 'state'), file);
}

export function readRunState(config: RunConfig): RunStateFile | undefined {
  return readJsonFileIfExists(runFile(config, 'state'), runStateFileSchema);
}
