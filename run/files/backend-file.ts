/**
 * `--out/backend.json`: where the run's backend is (no secrets: each process resolves credentials itself),
 * written once the backend is open; what closes it from another process (the teardown project) reads it.
 */
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
