/**
 * For specs: a lab of one test's own, up in a private folder (`lab up` in this process) for `body`, then
 * down and removed whatever `body` did.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LabUpOptions, labDown, labUp } from '../lab-lifecycle.ts';
import type { LabState } from '../lab-state.ts';

export interface OwnLab {
  lab: LabState;
  /** The lab's folder (ECS_TASKROLE_LAB_DIR for the CLI): `<dir>/lab`. */
  labDir: string;
  /** The test's folder, under the system's temp folder, its name starting with the prefix. */
  dir: string;
}

/** `lab up`'s options, and how the test's folder is named (its prefix). */
export interface OwnLabOptions extends LabUpOptions {
  prefix: string;
}

export async function withOwnLab(options: OwnLabOptions, body: (own: OwnLab) => Promise<void>): Promise<void> {
  const { prefix, ...upOptions } = options;
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const labDir = join(dir, 'lab');
  try {
    const { lab } = await labUp(labDir, upOptions);
    await body({ lab, labDir, dir });
  } finally {
    await labDown(labDir);
    await rm(dir, { recursive: true, force: true });
  }
}
