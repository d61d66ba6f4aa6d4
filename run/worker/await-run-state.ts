import { setTimeout as sleep } from 'node:timers/promises';
import type { OutDir } from '../files/out-dir.ts';
import { type RunStateFile, readRunState } from '../files/run-state-file.ts';

/** How often a waiting cell looks at run-state.json (a local file: cheap). */
const RUN_STATE_POLL_MS = 100;

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
