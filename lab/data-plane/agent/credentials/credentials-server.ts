/**
 * The agent's credentials endpoint (task metadata server, credential routes only): listens on
 * 127.0.0.1:51679 in the instance namespace; tasks reach it as 169.254.170.2:80 through the instance's
 * iptables rules. Status codes, bodies and headers follow `ecs-agent/tmds/handlers/v1/credentials_handler.go`,
 * `…/v2/credentials_handler.go`, `…/utils/helpers.go` and tollbooth v4 (`tmds/server.go`).
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';
import type { Dimensions } from '../../../../core/matrix/dimensions.ts';
import type { AuditLog, AuditRequest } from './audit-log.ts';
import type { TaskCredentialsStore } from './credentials-store.ts';
import type { TollboothLimiter } from './rate-limiter.ts';

export const CREDENTIALS_PORT = 51679;
export const THROTTLED_BODY = 'You have reached maximum request limit.';

export interface CredentialsServerOptions {
  store: TaskCredentialsStore;
  limiter: TollboothLimiter;
  /** Steady rate as configured: tollbooth reports it in X-Rate-Limit-Limit. */
  steadyRate: number;
  audit: AuditLog;
  /** The agent release played: where releases answer differently (pendingAnswer), its answer. */
  agentVersion: Dimensions['agentVersion'];
  host?: string;
  port?: number;
}

export interface RunningCredentialsServer {
  server: Server;
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startCredentialsServer(options: CredentialsServerOptions): Promise<RunningCredentialsServer> {
  const server = createServer((request, response) => handle(options, request, response));
  // Go's server keeps connections alive too; a task's SDK reuses them.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? CREDENTIALS_PORT, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function handle(options: CredentialsServerOptions, request: IncomingMessage, response: ServerResponse): void {
  const target = request.url ?? '/';
  const cleaned = cleanedTarget(target);
  if (cleaned !== undefined) {
    // gorilla/mux with SkipClean(false) (ecs-agent/tmds/server.go, both releases): a path that is not clean
    // (`//v2/credentials/…`, `/./`, `..`) gets 301 to the cleaned path before the limiter, the audit log
    // or any route sees it. Agents 1.21–1.25 answered 404 instead (aws/amazon-ecs-agent#1839).
    response.setHeader('Location', cleaned);
    response.writeHead(301);
    response.end();
    return;
  }
  const url = new URL(target, 'http://169.254.170.2');
  const remoteIp = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const remoteAddr = `${remoteIp}:${request.socket.remotePort ?? 0}`;
  const userAgent = request.headers['user-agent'] ?? '';
  const audit = (status: number, taskArn = '', eventType: AuditRequest['eventType'] = '') =>
    options.audit.log({ status, remoteAddr, path: url.pathname, userAgent, taskArn, eventType });

  response.setHeader('X-Rate-Limit-Limit', options.steadyRate.toFixed(2));
  response.setHeader('X-Rate-Limit-Duration', '1');
  response.setHeader('X-Rate-Limit-Request-Forwarded-For', request.headers['x-forwarded-for'] ?? '');
  response.setHeader('X-Rate-Limit-Request-Remote-Addr', remoteAddr);
  if (!options.limiter.allow(remoteIp, url.pathname)) {
    audit(429);
    send(response, 429, 'text/plain; charset=utf-8', THROTTLED_BODY);
    return;
  }

  const route = credentialsRoute(url);
  if (!route) {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    send(response, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    return;
  }
  const prefix = `CredentialsV${route.version}Request: `;
  const fail = (status: number, code: string, message: string) => {
    audit(status);
    send(
      response,
      status,
      'application/json',
      JSON.stringify({ code, message: prefix + message, HTTPErrorCode: status }),
    );
  };
  // Same order as processCredentialsRequest: no id, pending, not found.
  const found = route.id === '' ? undefined : options.store.lookup(route.id);
  if (!found) {
    fail(400, 'NoIdInRequest', 'No Credential ID in the request');
    return;
  }
  if (found.state === 'pending' && knowsPendingIds(options.agentVersion)) {
    fail(503, 'CredentialsUninitialized', 'Credentials uninitialized for ID');
    return;
  }
  if (found.state !== 'ready') {
    fail(400, 'InvalidIdInRequest', 'Credentials not found');
    return;
  }
  audit(200, found.taskArn, 'GetCredentials');
  const { RoleArn, AccessKeyId, SecretAccessKey, Token, Expiration } = found.credentials;
  send(response, 200, 'application/json', JSON.stringify({ RoleArn, AccessKeyId, SecretAccessKey, Token, Expiration }));
}

/**
 * Whether the release answers 503 CredentialsUninitialized for an id it knows but holds no credentials for
 * yet (the task loaded from the agent's state after a restart, before ACS sends its credentials again).
 * Since 1.101.2 ("Fix tmds response for unavailable credentials upon agent restart",
 * aws/amazon-ecs-agent#4833): the credentials manager tracks known ids (ecs-agent/credentials/manager.go
 * IsCredentialsPending, agent/engine/data.go AddKnownCredentialsID). In 1.95.0 the manager holds only ids
 * with credentials, and its zero-credentials check never fires: such a request is 400 InvalidIdInRequest
 * "Credentials not found", which no SDK retries.
 */
export function knowsPendingIds(version: Dimensions['agentVersion']): boolean {
  return version !== '1.95.0';
}

/** `/v1/credentials?id=` (first value) and `/v2/credentials/{id:.*}`; anything else is not a credential route. */
function credentialsRoute(url: URL): { version: 1 | 2; id: string } | undefined {
  if (url.pathname === '/v1/credentials') return { version: 1, id: url.searchParams.get('id') ?? '' };
  if (url.pathname.startsWith('/v2/credentials/')) {
    return { version: 2, id: decodePath(url.pathname.slice('/v2/credentials/'.length)) };
  }
  return undefined;
}

/** The request target with its path cleaned as gorilla/mux cleans it (path.Clean, trailing slash kept); undefined when already clean. */
export function cleanedTarget(target: string): string | undefined {
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt);
  const clean = posix.normalize(path.startsWith('/') ? path : `/${path}`);
  return clean === path ? undefined : clean + query;
}

/** Go hands the mux the decoded path; a malformed escape stays as sent. */
function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.setHeader('Content-Type', contentType);
  response.writeHead(status);
  response.end(body);
}
