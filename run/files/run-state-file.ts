/**
 * `--out/run-state.json`: what provisioning made, for the cell workers. The state itself is the driver's
 * (validated by the driver's own schema); the metadata goes into results.json through the cells. Provisioning
 * writes it as soon as the instances are launched, and again as each group in `settling` is done; its
 * existence tells the reporter that provisioning got that far.
 */
import { rmSync } from 'node:fs';
import { z } from 'zod';
import { runMetadataSchema } from '../../core/results/results-schema.ts';
import { readJsonFileIfExists, writeJsonFile } from '../../infra/files/json-file.ts';
import { inOutDir, type OutDir } from './out-dir.ts';

export const RUN_STATE_FILE = 'run-state.json';

export const runStateFileSchema = z.strictObject({
  runId: z.string(),
  /** The run's metadata for results.json (AMI ids, agent versions…). */
  metadata: runMetadataSchema,
  state: z.unknown(),
  /** Instance groups provisioning is still preparing (a reboot): their cells wait. */
  settling: z.array(z.string()),
});
export type RunStateFile = z.infer<typeof runStateFileSchema>;

export function runStateFile(config: OutDir): string {
  return inOutDir(config, RUN_STATE_FILE);
}

export function writeRunState(config: OutDir, file: RunStateFile): void {
  writeJsonFile(runStateFile(config), file);
}

/** Before a run starts its cells: an earlier run's state in the same --out must never reach them. */
export function clearRunState(config: OutDir): void {
  rmSync(runStateFile(config), { force: true });
}

export function readRunState(config: OutDir): RunStateFile | undefined {
  return readJsonFileIfExists(runStateFile(config), runStateFileSchema);
}
