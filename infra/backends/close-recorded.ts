import { labDown } from '../lab/index.ts';
import type { BackendRecord } from './target.ts';

/**
 * Closes a backend from its record alone, in whichever process ends the run: a lab this run started is
 * stopped, anything else is left as it was. (LocalStack is only ever closed by the `run` process that
 * opened it.)
 */
export async function closeRecorded(record: BackendRecord): Promise<void> {
  if (record.backend === 'lab' && record.startedLab) await labDown(record.labDir);
}
