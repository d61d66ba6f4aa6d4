/** One interface per backend (`open(options) → { record, connection, close }`); the run's lifecycle picks one. */
import type { BackendName } from '../../core/run-config.ts';
import * as lab from '../../lab/lab-profile.ts';
import * as localstack from '../../lab/localstack/localstack-profile.ts';
import * as aws from './aws.ts';
import type { OpenedBackend, OpenOptions } from './profile.ts';

const BACKENDS: Record<BackendName, { open(options: OpenOptions): Promise<OpenedBackend> }> = { lab, aws, localstack };

export function openBackend(backend: BackendName, options: OpenOptions): Promise<OpenedBackend> {
  return BACKENDS[backend].open(options);
}

export { type BackendRecord, backendRecordSchema, type Connection, connect } from './backend-record.ts';
export { closeRecorded } from './close-recorded.ts';
export type { OpenedBackend, OpenOptions } from './profile.ts';
