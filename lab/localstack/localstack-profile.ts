/**
 * LocalStack as the control plane (started with testcontainers, or the one ECS_TASKROLE_LOCALSTACK_ENDPOINT
 * names) with the lab's data plane attached. Both live in the process that opens it (`ecs-taskrole run`),
 * which outlives every Playwright worker.
 */

import { join } from 'node:path';
import { isGoClient } from '../../core/rules/facts.ts';
import {
  BACKEND_ENV,
  type BackendRecord,
  type Connection,
  recordedEndpoints,
} from '../../infra/backends/backend-record.ts';
import type { BackendProfile, OpenOptions } from '../../infra/backends/profile.ts';
import { ensureSystemPackages, LAB_PACKAGES } from '../../infra/system/system-packages.ts';
import { cleanupLab } from '../data-plane/network/cleanup.ts';
import { prepareGoClients } from '../images/go-clients.ts';
import { labDefaultWorkers } from '../system/lab-workers.ts';
import { openLocalStackBackend } from './localstack-backend.ts';
import { DEFAULT_LOCALSTACK_ENDPOINT, LOCALSTACK_CREDENTIALS, localStackOptionsFromEnv } from './localstack-options.ts';

function connect(record: BackendRecord): Connection {
  const endpoint = record.endpoint ?? DEFAULT_LOCALSTACK_ENDPOINT;
  return {
    target: { region: record.region, endpoint, credentials: LOCALSTACK_CREDENTIALS, maxAttempts: 2 },
    ...recordedEndpoints(record),
    registrationPollMs: 500,
  };
}

async function open(options: OpenOptions) {
  const endpoint = process.env[BACKEND_ENV.localstackEndpoint];
  const localstack = await openLocalStackBackend({
    ...localStackOptionsFromEnv(options.region),
    ...(endpoint ? { endpoint } : {}),
    logFile: join(options.outDir, 'data-plane.log'),
  });
  const record: BackendRecord = {
    backend: 'localstack',
    region: options.region,
    endpoint: localstack.endpoint,
    taskEndpoint: localstack.taskEndpoint,
    proxyUrl: localstack.proxyUrl,
    startedLab: false,
  };
  return { record, connection: connect(record), close: () => localstack.close() };
}

/** How long an instance's agent may take to register: the lab's data plane boots it on this machine. */
const REGISTRATION_TIMEOUT_MS = 120_000;

export const localstackProfile: BackendProfile = {
  name: 'localstack',
  livesInRunProcess: true,
  // Its instances boot on this machine's lab data plane: bound by free CPU as the lab's are.
  defaultWorkers: labDefaultWorkers,
  cellTimeoutMs: 60_000,
  registrationTimeoutMs: REGISTRATION_TIMEOUT_MS,
  registrationLimitMs: () => REGISTRATION_TIMEOUT_MS,
  instanceType: 'simulated (localstack)',
  // Its data plane runs the lab's agent model: the real agent needs the lab's ACS (lab_acs.py).
  choosesLabAgent: false,
  checkEnvironment() {},
  async prepare(log, plan) {
    // The lab's data plane boots LocalStack's instances: it needs the lab's packages (installed as root).
    await ensureSystemPackages(LAB_PACKAGES);
    if (plan.cells.some((cell) => isGoClient(cell.dimensions))) await prepareGoClients(log);
  },
  open,
  connect,
  // Only ever closed by the `run` process that opened it (its OpenedBackend.close).
  async closeRecorded() {},
  async standaloneRecord(region, env = process.env) {
    const endpoint = env[BACKEND_ENV.localstackEndpoint] ?? DEFAULT_LOCALSTACK_ENDPOINT;
    return { backend: 'localstack', region, endpoint, startedLab: false };
  },
  // Data planes of LocalStack runs are the lab's: a crashed one leaves the same namespaces and links.
  cleanupHost: ({ dryRun }) => cleanupLab(undefined, { dryRun }),
};
