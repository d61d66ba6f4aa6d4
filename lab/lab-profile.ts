/**
 * The embedded lab as a backend of the harness: moto with IAM enforcement plus the data plane that boots the
 * instances a run launches. Runs share a running lab; each holds a lease on it (lab-leases.ts), and a lab
 * a run started stops when the last run lets go of it.
 */

import { availableParallelism, loadavg } from 'node:os';
import { InfrastructureError } from '../core/errors.ts';
import { isGoClient } from '../core/rules/facts.ts';
import { type BackendRecord, type Connection, recordedEndpoints } from '../infra/backends/backend-record.ts';
import type { BackendProfile, OpenOptions } from '../infra/backends/profile.ts';
import { ensureSystemPackages, LAB_PACKAGES } from '../infra/system/system-packages.ts';
import { findMotoPython } from './control-plane/find-moto.ts';
import { cleanupLab } from './data-plane/network/cleanup.ts';
import { prepareGoClients } from './images/go-clients.ts';
import { keepUntilLabDown, releaseLease, takeLease, withLabLock } from './lab-leases.ts';
import { labDown, labStatus, labUp } from './lab-lifecycle.ts';
import { harnessClientConfig, labDir, readLabState } from './lab-state.ts';
import { KEPT_FILE } from './system/lab-holders.ts';
import { labDefaultWorkers } from './system/lab-workers.ts';

/**
 * The most a lab instance's agent may take to register (a cell waits for its own before its time limit
 * starts); the limit of a run follows the machine's load (registrationLimitMs), from the quiet figure below.
 */
const REGISTRATION_TIMEOUT_MS = 300_000;

/**
 * The lab's registration limit on a quiet machine, where its instances register within seconds. Measured
 * on a 2-core machine at load 30–40 (1-minute load average; the default matrix's 20 instances): first
 * registrations 48–226 s after the launches, the rebooted plain-AMI groups 54 and 107 s, and again 32 and
 * 36 s after their reboot — the fixed 30 s failed them. Scaled by the load per core, it leaves about twice those.
 */
export const LAB_QUIET_REGISTRATION_MS = 30_000;

/**
 * The lab boots every instance on this machine, so a registration takes as long as the machine is busy: the
 * quiet figure scaled by the CPU demand per core (the 1-minute load average over the cores), at most
 * REGISTRATION_TIMEOUT_MS (the cells' own test limits allow for that). Fixed, a loaded machine failed
 * instances that were still booting.
 */
function registrationLimitMs(): number {
  const demand = (loadavg()[0] ?? 0) / availableParallelism();
  return Math.round(Math.min(REGISTRATION_TIMEOUT_MS, LAB_QUIET_REGISTRATION_MS * Math.max(1, demand)));
}

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
    // The lease first: a running lab whose last holder dies meanwhile is this run's when its daemons look.
    takeLease(dir, holderPid, false);
    try {
      const up = await labUp(dir, { dataPlane: true, labAgent: options.labAgent ?? 'model' });
      if (!up.reused) takeLease(dir, holderPid, true);
      return up;
    } catch (error) {
      releaseLease(dir, holderPid);
      throw error;
    }
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

/** `run --keep`: the lab the run used stays up with the kept resources until `lab down`. */
async function keepRecorded(record: BackendRecord): Promise<void> {
  const dir = record.labDir ?? labDir();
  await withLabLock(dir, async () => keepUntilLabDown(dir, record.leasePid ?? process.pid, KEPT_FILE));
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
  cellTimeoutMs: 60_000,
  registrationTimeoutMs: REGISTRATION_TIMEOUT_MS,
  registrationLimitMs,
  instanceType: 'simulated (lab)',
  choosesLabAgent: true,
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
  keepRecorded,
  async standaloneRecord(region, env = process.env) {
    const dir = labDir(env);
    if ((await labStatus(dir)).state !== 'running') return undefined;
    return { backend: 'lab', region: readLabState(dir)?.region ?? region, labDir: dir, startedLab: false };
  },
  // Hosts and namespaces of data planes whose process died; they need no control plane.
  cleanupHost: ({ dryRun }) => cleanupLab(undefined, { dryRun }),
};

/**
 * The lab under `--lab-agent real`: its figures are AWS's. The real agent starts a real container from a
 * gigabyte image and reports its states as on EC2 (measured at load 30 on 2 cores: tasks that had printed
 * their whole output were not yet STOPPED after 60 s); the first instances also wait for the engines' seed
 * (task images made and imported, 3–5 min on a busy 2-core machine; one instance registered after 290 s at
 * load 3, five past 300 s at load 30).
 */
const REAL_AGENT_REGISTRATION_TIMEOUT_MS = 900_000;

export const realAgentLabProfile: BackendProfile = {
  ...labProfile,
  cellTimeoutMs: 180_000,
  registrationTimeoutMs: REAL_AGENT_REGISTRATION_TIMEOUT_MS,
  registrationLimitMs: () => REAL_AGENT_REGISTRATION_TIMEOUT_MS,
};
