/**
 * For the `run` specs: a private lab and output folder per test, and the results a run wrote there. Plain
 * data, no assertions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellResult, RunResults } from '../../../core/results/results-schema.ts';
import { loadResults, resultsFile } from '../../../reports/results/results-file.ts';
import { runCli } from '../../../testing/run-cli.ts';

export interface PrivateLab {
  /** The test's own folder (a name under the system's temp folder starting with the prefix). */
  dir: string;
  /** `<dir>/lab`, the lab's folder. */
  labDir: string;
  /** `<dir>/out`, for `--out`. */
  out: string;
  /** The environment of the test's CLI calls: what it was given, with ECS_TASKROLE_LAB_DIR the lab's folder. */
  env: Record<string, string | undefined>;
}

/** A private lab and output folder (made now; nothing in them yet). */
export async function privateLab(
  prefix: string,
  baseEnv: Record<string, string | undefined> = {},
): Promise<PrivateLab> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const labDir = join(dir, 'lab');
  return { dir, labDir, out: join(dir, 'out'), env: { ...baseEnv, ECS_TASKROLE_LAB_DIR: labDir } };
}

/**
 * Runs `body` with a private lab and output folder; afterwards stops that lab if a run left it up (`lab
 * down`) and removes the folder, whatever `body` did.
 */
export async function withPrivateLab<T>(
  prefix: string,
  body: (lab: PrivateLab) => Promise<T>,
  baseEnv: Record<string, string | undefined> = {},
): Promise<T> {
  const lab = await privateLab(prefix, baseEnv);
  try {
    return await body(lab);
  } finally {
    await runCli(['lab', 'down'], { env: lab.env });
    await rm(lab.dir, { recursive: true, force: true });
  }
}

/** The results.json a run wrote in `out` (validated by its schema), and its cells by id. */
export async function runResults(out: string): Promise<{ results: RunResults; byId: Record<string, CellResult> }> {
  const results = await loadResults(resultsFile(out));
  return { results, byId: Object.fromEntries(results.cells.map((cell) => [cell.id, cell])) };
}
