import { labDir, labDown } from '../../lab/index.ts';
import { releaseLease, withLabLock } from '../../lab/lab-leases.ts';
import type { BackendRecord } from './backend-record.ts';

/**
 * Closes a backend from its record alone, in whichever process ends the run: the run lets go of the lab,
 * and a lab a run started stops when no other run holds it (lab-leases.ts); a lab started by `lab up`
 * stays. (LocalStack is only ever closed by the `run` process that opened it.)
 */
export async function closeRecorded(record: BackendRecord): Promise<void> {
  if (record.backend !== 'lab') return;
  const dir = record.labDir ?? labDir();
  const holder = record.leasePid ?? process.pid;
  await withLabLock(dir, async () => {
    if (releaseLease(dir, holder)) await labDown(dir);
  });
}
