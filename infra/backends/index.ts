/** The backend seam (profile.ts) and what it records for the run's other processes (backend-record.ts). */
export {
  type AwsTarget,
  BACKEND_ENV,
  type BackendRecord,
  backendRecordSchema,
  type Connection,
  proxyUrlFromEnvironment,
} from './backend-record.ts';
export type { BackendProfile, HostCleanup, OpenedBackend, OpenOptions } from './profile.ts';
