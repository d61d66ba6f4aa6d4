/** The embedded lab: moto with IAM enforcement plus the data plane that boots the instances a run launches. */
import { labDir, labUp } from '../lab/index.ts';
import { closeRecorded } from './close-recorded.ts';
import type { OpenedBackend, OpenOptions } from './opened-backend.ts';
import { type BackendRecord, connect } from './target.ts';

export async function open(options: OpenOptions): Promise<OpenedBackend> {
  const dir = labDir();
  const { lab, reused } = await labUp(dir, { dataPlane: true });
  options.log(reused ? `using the running lab (${dir})` : `lab started (${dir})`);
  const record: BackendRecord = {
    backend: 'lab',
    region: lab.region,
    endpoint: lab.endpoint,
    labDir: dir,
    startedLab: !reused,
    ...(lab.dataPlane ? { taskEndpoint: lab.dataPlane.endpointForInstances, proxyUrl: lab.dataPlane.proxyUrl } : {}),
  };
  return { record, connection: connect(record), close: () => closeRecorded(record) };
}
