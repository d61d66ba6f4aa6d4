/**
 * `--out/run-timings.json`: how long each step of the run took (the benchmark reads it). `cellsMs` runs
 * from the run's start: the cells' runner starts with it, so open, provision and cells overlap.
 */
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../../infra/files/json-file.ts';
import { inOutDir, type OutDir } from './out-dir.ts';

export const TIMINGS_FILE = 'run-timings.json';

export const runTimingsSchema = z.strictObject({
  openMs: z.number().optional(),
  provisionMs: z.number().optional(),
  cellsMs: z.number().optional(),
  teardownMs: z.number().optional(),
  closeMs: z.number().optional(),
});
export type RunTimings = z.infer<typeof runTimingsSchema>;

export function writeTimings(config: OutDir, timings: RunTimings): void {
  writeJsonFile(inOutDir(config, TIMINGS_FILE), timings);
}

export function readTimings(config: OutDir): RunTimings {
  return readJsonFile(inOutDir(config, TIMINGS_FILE), runTimingsSchema);
}
