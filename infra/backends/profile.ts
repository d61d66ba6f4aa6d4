import type { BackendRecord, Connection } from './backend-record.ts';

export interface OpenOptions {
  region: string;
  /** The run's output directory (the LocalStack backend writes its data plane's log there). */
  outDir: string;
  log: (line: string) => void;
  /** The matrix's proxy URL for proxy cells on AWS (ECS_TASKROLE_PROXY_URL overrides it). */
  proxyUrl?: string;
  /** The process that holds the run for its whole length (the lab's lease is in its name). */
  holderPid?: number;
}

/**
 * A backend open for one run: its record (written to `--out/backend.json` for the run's other processes),
 * a connection for this process, and `close`, which undoes what `open` started (and nothing else: a lab
 * this run did not start stays up).
 */
export interface OpenedBackend {
  record: BackendRecord;
  connection: Connection;
  close(): Promise<void>;
}
