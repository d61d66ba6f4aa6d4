/** The lab's own files in its folder (`ECS_TASKROLE_LAB_DIR`): what `lab down` and an orphaned lab remove. */
import { rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every name the lab keeps directly in its folder (state, pids, logs, consoles, the started-by-run mark;
 * the leases and their lock live beside it, in `<dir>.runs`). A user's own files there (an `--out` folder, notes) are never the lab's to delete.
 */
export const LAB_DIR_ENTRIES = [
  'state.json',
  'moto.log',
  'moto.pid',
  'data-plane.log',
  'data-plane.pid',
  'consoles',
  'started-by-run',
  'kept-until-lab-down',
] as const;

/** Removes what the lab put in its folder, then the folder itself when nothing else is in it. */
export function removeLabFiles(dir: string): void {
  for (const name of LAB_DIR_ENTRIES) rmSync(join(dir, name), { recursive: true, force: true });
  try {
    rmdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
}
