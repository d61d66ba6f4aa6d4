import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { runMetadataSchema } from '../core/results/results-schema.ts';
import type { RunConfig } from '../core/run-config.ts';
import { readJsonFileIfExists, writeJsonFile } from '../infra/files/json-file.ts';
import { runFile } from './run-config.ts';

type OutDir = Pick<RunConfig, 'outDir'>;

/**
 * `--out/run-state.json`: what provisioning made, for the cell workers. The state itself is the driver's
 * (validated by the driver's own schema); the metadata goes into results.json. Provisioning writes it as
 * soon as the instances are launched, and again as each group in `settling` is done.
 */
export const runStateFileSchema = z.strictObject({
  runId: z.string(),
  /** The run's metadata for results.json (AMI ids, agent versions…). */
  metadata: runMetadataSchema,
  state: z.unknown(),
  /** Instance groups provisioning is still preparing (a reboot): their cells wait. */
  settling: z.array(z.string()),
});
export type RunStateFile = z.infer<typeof runStateFileSchema>;

/** How often a waiting cell looks at run-state.json (a local file: cheap). */
const RUN_STATE_POLL_MS = 100;

export function writeRunState(config: OutDir, file: RunStateFile): void {
  writeJsonFile(runFile(config, 'state'), file);
}

/** Before a run starts its cells: an earlier run's state in the same --out must never reach them. */
export function clearRunState(config: OutDir): void {
  rmSync(runFile(config, 'state'), { force: true });
}

export function readRunState(config: OutDir): RunStateFile | undefined {
  return readJsonFileIfExists(runFile(config, 'state'), runStateFileSchema);
}

/**
 * The run state once the cells of `groupId` may start: provisioning published it and the group is not
 * settling. No limit of its own: the cell's test timeout bounds it, and `run` stops the cells when
 * provisioning fails or is interrupted.
 */
export async function awaitRunState(config: OutDir, groupId: string): Promise<RunStateFile> {
  for (;;) {
    const file = readRunState(config);
    if (file && !file.settling.includes(groupId)) return file;
    await sleep(RUN_STATE_POLL_MS);
  }
}
