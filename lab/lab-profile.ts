/**
 * The embedded lab as a backend of the harness: moto with IAM enforcement plus the data plane that boots the
 * instances a run launches. Runs share a running lab; each holds a lease on it (lab-leases.ts), and a lab
 * a run started stops when the last run lets go of it.
 */

import { InfrastructureError } from '../core/errors.ts';
import { isGoClient } from '../core/rules/facts.ts';
import { type BackendRecord, type Connection, recordedEndpoints } from '../infra/backends/backend-record.ts';
import type { BackendProfile, OpenOptions } from '../infra/backends/profile.ts';
import { ensureSystemPackages, LAB_PACKAGES } from '../infra/system/system-packages.ts';
import { findMotoPython } from './control-plane/find-moto.ts';
import { cleanupLab } from './data-plane/network/cleanup.ts';
import { prepareGoClients } from './images/go-clients.ts';
import { releaseLease, takeLease, withLabLock } from './lab-leases.ts';
import { labDown, labStatus, labUp } from './lab-lifecycle.ts';
import { harnessClientConfig, labDir, readLabState } from './lab-state.ts';
import { labDefaultWorkers } from './system/lab-workers.ts';

function connect(record: BackendRecord): Connection {
  const lab = readLabState(record.labDir);
  if (!lab) throw new InfrastructureError('the lab is not running; run `ecs-taskrole lab up`');
  // The lab answers a registration in well under a second.
  return { target: harnessClientConfig(lab), ...recordedEndpoints(record), registrationPollMs: 500 };
}

async function open(options: OpenOptions) {
  const dir = labDir();
  const holderPid = options.holderPid ?? process.pid;
  const { lab, reused } = await withLabLock(dir, async () => {
    const up = await labUp(dir, { dataPlane: true, labAgent: options.labAgent ?? 'model' });
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

/**
 * Closes the lab from its record alone, in whichever process ends the run: the run lets go of the lab, and
 * a lab a run started stops when no other run holds it (lab-leases.ts); a lab started by `lab up` stays.
 */
async function closeRecorded(record: BackendRecord): Promise<void> {
  const dir = record.labDir ?? labDir();
  const holder = record.leasePid ?? process.pid;
  await withLabLock(dir, async () => {
    if (releaseLease(dir, holder)) await labDown(dir);
  });
}

export const labProfile: BackendProfile = {
  name: 'lab',
  livesInRunProcess: false,
  defaultWorkers: labDefaultWorkers,
  checkEnvironment() {},
  async prepare(log, plan) {
    // Installed here as the README says (as root); then the lab's moto: found, or its private environment
    // filled, or the commands; the Go clients only for a plan that runs them.
    await ensureSystemPackages(LAB_PACKAGES);
    await findMotoPython(process.env, log);
    if (plan.cells.some((cell) => isGoClient(cell.dimensions))) await prepareGoClients(log);
  },
  open,
  connect,
  closeRecorded,
  async standaloneRecord(region, env = process.env) {
    const dir = labDir(env);
    if ((await labStatus(dir)).state !== 'running') return undefined;
    return { backend: 'lab', region: readLabState(dir)?.region ?? region, labDir: dir, startedLab: false };
  },
  // Hosts and namespaces of data planes whose process died; they need no control plane.
  cleanupHost: ({ dryRun }) => cleanupLab(undefined, { dryRun }),
};
