/**
 * The credentials audit log (`agent/logger/audit/entry_types.go`), one line per request:
 * `<time> <status> <src ip:port> "<path>" "<user agent>" <task arn> <event type> 2 <cluster> <instance arn>`.
 * v2 paths are logged without the id; error and throttled requests have no task ARN (`-`) and no event
 * fields (the agent logs an unknown event type as an empty string). Never a credential.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AuditRequest {
  status: number;
  /** `ip:port`, Go's RemoteAddr. */
  remoteAddr: string;
  path: string;
  userAgent: string;
  /** Task ARN for a served credential; empty otherwise. */
  taskArn: string;
  /** `GetCredentials` for a served task-role credential; empty for errors and 429s. */
  eventType: '' | 'GetCredentials';
}

export interface AuditContext {
  cluster: string;
  containerInstanceArn: () => string;
}

export function formatAuditEntry(request: AuditRequest, context: AuditContext, time = new Date()): string {
  const path = request.path.startsWith('/v2/credentials/') ? '/v2/credentials' : request.path;
  const common = [
    time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    String(request.status),
    field(request.remoteAddr),
    `"${path}"`,
    `"${request.userAgent}"`,
    field(request.taskArn),
  ].join(' ');
  const byType =
    request.eventType === 'GetCredentials'
      ? `GetCredentials 2 ${field(context.cluster)} ${field(context.containerInstanceArn())}`
      : '';
  return `${common} ${byType}`;
}

function field(value: string): string {
  return value === '' ? '-' : value;
}

export class AuditLog {
  readonly #file: string;
  readonly #context: AuditContext;
  readonly #enabled: boolean;
  #pending: Promise<void> = Promise.resolve();

  /** `enabled: false` is ECS_AUDIT_LOGFILE_DISABLED=true. */
  constructor(file: string, context: AuditContext, enabled = true) {
    this.#file = file;
    this.#context = context;
    this.#enabled = enabled;
  }

  get file(): string {
    return this.#file;
  }

  /** Appends in request order; write failures must not fail the request (the agent logs asynchronously). */
  log(request: AuditRequest): void {
    if (!this.#enabled) return;
    const line = `${formatAuditEntry(request, this.#context)}\n`;
    this.#pending = this.#pending
      .then(async () => {
        await mkdir(dirname(this.#file), { recursive: true });
        await appendFile(this.#file, line);
      })
      .catch((error: unknown) => {
        process.stderr.write(`audit log write failed: ${error instanceof Error ? error.message : String(error)}\n`);
      });
  }

  /** Resolves once every line logged so far is on disk. */
  flush(): Promise<void> {
    return this.#pending;
  }
}
