/** AWS itself: the standard credential chain; nothing to start, stop or prepare on this machine. */
import { HARNESS_INSTANCE_TYPE, tasksPerInstance } from '../../core/caps.ts';
import { type BackendRecord, type Connection, proxyUrlFromEnvironment } from './backend-record.ts';
import type { BackendProfile } from './profile.ts';

function connect(record: BackendRecord, env: NodeJS.ProcessEnv = process.env): Connection {
  // Yours, read in every process and never recorded: the record holds the matrix's at most.
  const proxyUrl = proxyUrlFromEnvironment(env) ?? record.proxyUrl;
  return {
    target: { region: record.region },
    ...(proxyUrl ? { proxyUrl } : {}),
    // Every worker's waiting cell asks ECS: seconds apart on AWS, where a registration takes minutes.
    registrationPollMs: 5_000,
  };
}

/** How long an instance's agent may take to register on AWS: an instance boots in minutes. */
const REGISTRATION_TIMEOUT_MS = 600_000;

export const awsProfile: BackendProfile = {
  name: 'aws',
  // A cell mostly waits on AWS (image pulls, installs, state changes), so as many as one instance holds: every
  // worker may pick a cell of the same instance group, and one task too many fails to place (RESOURCE:MEMORY).
  defaultWorkers: async () => tasksPerInstance(),
  livesInRunProcess: false,
  // Three minutes: the first task on an instance pulls its image and every task installs its client (dnf,
  // pip, npm) before the client's own retries; the lab needs one.
  cellTimeoutMs: 180_000,
  registrationTimeoutMs: REGISTRATION_TIMEOUT_MS,
  registrationLimitMs: () => REGISTRATION_TIMEOUT_MS,
  instanceType: HARNESS_INSTANCE_TYPE,
  choosesLabAgent: false,
  checkEnvironment(env) {
    proxyUrlFromEnvironment(env);
  },
  async prepare() {},
  async open(options) {
    // The matrix's proxy URL never holds credentials (its grammar refuses them), so it may be recorded.
    const record: BackendRecord = {
      backend: 'aws',
      region: options.region,
      startedLab: false,
      ...(options.proxyUrl ? { proxyUrl: options.proxyUrl } : {}),
    };
    return { record, connection: connect(record), close: async () => {} };
  },
  connect,
  async closeRecorded() {},
  async standaloneRecord(region) {
    return { backend: 'aws', region, startedLab: false };
  },
};
