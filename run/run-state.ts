import { z } from 'zod';
import type { RunConfig } from '../core/run-config.ts';
import { readJsonFileIfExists, writeJsonFile } from '../infra/files/json-file.ts';
import { runFile } from './run-config.ts';

/**
 * `--out/run-state.json`: what provisioning made, for the cell workers. The state itself is the driver's
 * (validated by the driver's own schema); the metadata goes into results.json.
 */
export const runStateFileSchema = z.strictObject({
  runId: z.string(),
  /** Who tears the run down: the `run` command, or the teardown project when Playwright was started directly. */
  owner: z.enum(['cli', 'setup']),
  metadata: z.record(z.string(), z.unknown()),
  state: z.unknown(),
});
export type RunStateFile = z.infer<typeof runStateFileSchema>;

export function writeRunState(config: RunConfig, file: RunStateFile): void {
  writeJsonFile(runFile(config, 'state'), file);
}

export function readRunState(config: RunConfig): RunStateFile | undefined {
  return readJsonFileIfExists(runFile(config, 'state'), runStateFileSchema);
}
