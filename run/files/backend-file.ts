/**
 * `--out/backend.json`: where the run's backend is (no secrets: each process resolves credentials itself),
 * written once the backend is open, before provisioning. The record's one home: the cell workers connect
 * from it, the teardown connects and closes from it; the journal and the run state do not repeat it.
 */
import { InfrastructureError } from '../../core/errors.ts';
import { type BackendRecord, backendRecordSchema } from '../../infra/backends/index.ts';
import { readJsonFileIfExists, writeJsonFile } from '../../infra/files/json-file.ts';
import { inOutDir, type OutDir } from './out-dir.ts';

export const BACKEND_FILE = 'backend.json';

export function writeBackendFile(config: OutDir, record: BackendRecord): void {
  writeJsonFile(inOutDir(config, BACKEND_FILE), record);
}

export function readBackendFile(config: OutDir): BackendRecord | undefined {
  return readJsonFileIfExists(inOutDir(config, BACKEND_FILE), backendRecordSchema);
}

/** The record every process after `open` connects from: without it the run cannot reach its backend. */
export function recordedBackend(config: OutDir): BackendRecord {
  const record = readBackendFile(config);
  if (record) return record;
  throw new InfrastructureError(
    `${inOutDir(config, BACKEND_FILE)} is missing: the run's backend was not opened in this --out (or the file was removed)`,
  );
}
