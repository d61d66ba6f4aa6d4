/** The embedded lab: moto with IAM enforcement plus the data plane that boots the instances a run launches. */

import { type BackendRecord, connect } from '../infra/backends/backend-record.ts';
import { closeRecorded } from '../infra/backends/close-recorded.ts';
import type { OpenedBackend, OpenOptions } from '../infra/backends/profile.ts';
import { labDir, labUp } from './index.ts';
import { takeLease, withLabLock } from './lab-leases.ts';

export async function open(options: OpenOptions): Promise<OpenedBackend> {
  const dir = labDir();
  const holderPid = options.holderPid ?? process.pid;
  const { lab, reused } = await withLabLock(dir, async () => {
    const up = await labUp(dir, { dataPlane: true });
    takeLease(dir, holderPid, !up.reused);
    return up;
  });
  options.log(reused ? `using the running lab (${dir})` : `lab started (${dir})`);
  const record: BackendRecord = {
    backend: 'lab',
    region: lab.region,
    endpoint: lab.endpoint,
    labDir: dir,
    startedLab: !reused,
    leasePid: holderPid,
    ...(lab.dataPlane ? { taskEndpoint: lab.dataPlane.endpointForInstances, proxyUrl: lab.dataPlane.proxyUrl } : {}),
  };
  return { record, connection: connect(record), close: () => closeRecorded(record) };
}
