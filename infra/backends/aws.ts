/** AWS itself: the standard credential chain; nothing to start or stop. */
import type { OpenedBackend, OpenOptions } from './opened-backend.ts';
import { type BackendRecord, connect } from './target.ts';

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
