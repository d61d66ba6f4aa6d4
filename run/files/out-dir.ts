import { resolve } from 'node:path';
import type { RunConfig } from '../../core/run-config.ts';

/** What a module of this folder needs to find its file: the run's `--out`. */
export type OutDir = Pick<RunConfig, 'outDir'>;

export function inOutDir(config: OutDir, name: string): string {
  return resolve(config.outDir, name);
}
