/**
 * The agent's one HTTP path for IMDS and ECS calls: Go's http.Transport behaviour with
 * ProxyFromEnvironment. A proxied http:// request goes to the proxy with the absolute URL in the request
 * line (no CONNECT), so a proxy that cannot reach 169.254.169.254 breaks IMDS exactly as on EC2.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { ECSClientConfig } from '@aws-sdk/client-ecs';
import type { ProxySettings } from '../ecs-config.ts';
import { proxyForUrl } from './go-proxy.ts';

export interface AgentHttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs: number;
  /** Ends the request early (an agent stopping while its task poll waits). */
  signal?: AbortSignal;
}

export interface AgentHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Opens the request (directly or through the proxy) and resolves with the response head. */
function open(proxy: ProxySettings, options: AgentHttpRequest): Promise<IncomingMessage> {
  const { url } = options;
  if (url.protocol !== 'http:') throw new Error(`lab agent HTTP supports http:// endpoints only, not ${url.href}`);
  const via = proxyForUrl(proxy, url);
  const headers = { ...options.headers, host: url.host };
  // Through a proxy: the absolute URL in the request line. Directly: the path.
  const target = via
    ? { host: via.hostname, port: Number(via.port || 80), path: url.href }
    : { host: url.hostname, port: Number(url.port || 80), path: url.pathname + url.search };
  const signal = options.signal ? { signal: options.signal } : {};
  return new Promise((resolve, reject) => {
    const request = httpRequest({ ...target, method: options.method, headers, ...signal }, resolve);
    request.setTimeout(options.timeoutMs, () =>
      request.destroy(new Error(`timeout after ${options.timeoutMs} ms: ${options.method} ${url.href}`)),
    );
    request.on('error', (error) =>
      reject(via ? new Error(`proxyconnect ${via.host}: ${error.message}`, { cause: error }) : error),
    );
    request.end(options.body);
  });
}

export async function agentHttp(proxy: ProxySettings, options: AgentHttpRequest): Promise<AgentHttpResponse> {
  const response = await open(proxy, options);
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return {
    status: response.statusCode ?? 0,
    headers: flattenHeaders(response.headers),
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** The fields of the SDK's HttpRequest this handler reads. */
interface SdkHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | Array<string | null> | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** Any SDK v3 client accepts this as `requestHandler` (every client shares the smithy handler type). */
export type SdkRequestHandler = NonNullable<ECSClientConfig['requestHandler']>;

/** An AWS SDK v3 request handler that sends through {@link agentHttp}'s proxy rules. */
export function proxyAwareRequestHandler(proxy: ProxySettings, timeoutMs = 10_000): SdkRequestHandler {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: SdkHttpRequest, options?: { abortSignal?: AbortSignal }) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(request.query ?? {})) {
        for (const item of Array.isArray(value) ? value : [value]) if (item != null) query.append(key, item);
      }
      const search = query.toString();
      const url = new URL(
        `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}${search ? `?${search}` : ''}`,
      );
      const body = request.body as string | Uint8Array | undefined;
      const signal = options?.abortSignal ? { signal: options.abortSignal } : {};
      const response = await open(proxy, {
        method: request.method,
        url,
        headers: request.headers,
        body,
        timeoutMs,
        ...signal,
      });
      return {
        response: {
          statusCode: response.statusCode ?? 0,
          reason: response.statusMessage,
          headers: flattenHeaders(response.headers),
          body: response,
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  } as unknown as SdkRequestHandler;
}
