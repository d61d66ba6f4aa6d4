/** AWS itself: the standard credential chain; nothing to start or stop. */

import { type BackendRecord, connect } from './backend-record.ts';
import type { OpenedBackend, OpenOptions } from './profile.ts';

export async function open(options: OpenOptions): Promise<OpenedBackend> {
  // The matrix's proxy URL never holds credentials (its grammar refuses them), so it may be recorded.
  const record: BackendRecord = {
    backend: 'aws',
    region: options.region,
    startedLab: false,
    ...(options.proxyUrl ? { proxyUrl: options.proxyUrl } : {}),
  };
  return { record, connection: connect(record), close: async () => {} };
}
