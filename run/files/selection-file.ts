/**
 * `--out/selected-cells.json`, of a direct `npx playwright test --project=cells` only: the ids of the cells
 * Playwright selected (--grep, --shard), recorded by the runner's selection reporter so that the setup
 * project provisions only their instance groups.
 */
import { z } from 'zod';
import { readJsonFileIfExists, writeJsonFile } from '../../infra/files/json-file.ts';
import { inOutDir, type OutDir } from './out-dir.ts';

export const SELECTION_FILE = 'selected-cells.json';

const selectionSchema = z.array(z.string().max(2_000)).max(100_000);

export function writeSelection(config: OutDir, cellIds: readonly string[]): void {
  writeJsonFile(inOutDir(config, SELECTION_FILE), cellIds);
}

export function readSelection(config: OutDir): ReadonlySet<string> | undefined {
  const ids = readJsonFileIfExists(inOutDir(config, SELECTION_FILE), selectionSchema);
  return ids ? new Set(ids) : undefined;
}
