/**
 * For specs: the ECS agent's side of ACS and TCS (moto-lab/lab_acs.py) — a websocket whose upgrade is
 * SigV4-signed for service `ecs`, as `ecs-agent/wsclient/client.go` signs it, carrying `{type, message}` JSON.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import WebSocket from 'ws';
import type { Credentials } from './control-plane-lab.ts';

type Bytes = string | ArrayBuffer | ArrayBufferView;
const toBuffer = (data: Bytes) =>
  typeof data === 'string'
    ? Buffer.from(data)
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 (HMAC with a secret) for the signer, from node:crypto. */
class NodeSha256 {
  readonly #secret: Bytes | undefined;
  #hash: Hash | Hmac;
  constructor(secret?: Bytes) {
    this.#secret = secret;
    this.#hash = this.#fresh();
  }
  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.#secret));
  }
  update(data: Bytes): void {
    this.#hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.#fresh();
  }
}

export interface AgentMessage {
  type: string;
  message: Record<string, unknown>;
}

/** The handshake was answered with an HTTP status instead of an upgrade. */
export class HandshakeRefused extends Error {
  readonly status: number;
  readonly body: string;
  constructor(status: number, body: string) {
    super(`websocket handshake refused: HTTP ${status} ${body}`);
    this.status = status;
    this.body = body;
  }
}

export interface AgentSocket {
  /** The next message of `type` (others before it are kept for later calls). */
  next(type: string, timeoutMs?: number): Promise<AgentMessage>;
  send(type: string, message: Record<string, unknown>): void;
  /** Sends one text message in `parts` frames (a text frame, then continuations), as RFC 6455 5.4 allows. */
  sendFragmented(text: string, parts: number): void;
  /** The close code once the server ended the connection. */
  closedWith(): Promise<number>;
  close(): Promise<void>;
}

async function signedHeaders(url: URL, region: string, credentials: Credentials): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'ecs', region, credentials, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'GET',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host },
  });
  const { host: _host, ...rest } = signed.headers;
  return rest;
}

/** Opens `path` (ACS `/ws`, TCS `/tcs/ws`) on the control plane as the agent does; rejects with HandshakeRefused. */
export async function openAgentSocket(
  endpoint: string,
  path: string,
  query: Record<string, string>,
  region: string,
  credentials: Credentials,
): Promise<AgentSocket> {
  const url = new URL(path, endpoint.replace(/^http/, 'ws'));
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const socket = new WebSocket(url, { headers: await signedHeaders(url, region, credentials) });
  const received: AgentMessage[] = [];
  const waiters: (() => void)[] = [];
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('message', (data) => {
    received.push(JSON.parse(String(data)) as AgentMessage);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += String(chunk);
      });
      response.on('end', () => reject(new HandshakeRefused(response.statusCode ?? 0, body)));
    });
  });
  return {
    async next(type, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = received.findIndex((message) => message.type === type);
        if (index >= 0) return received.splice(index, 1)[0] as AgentMessage;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${type} within ${timeoutMs} ms (got: ${received.map((m) => m.type)})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, left);
        });
      }
    },
    send(type, message) {
      socket.send(JSON.stringify({ type, message }));
    },
    sendFragmented(text, parts) {
      const size = Math.ceil(text.length / parts);
      for (let part = 0; part < parts; part += 1) {
        socket.send(text.slice(part * size, (part + 1) * size), { fin: part === parts - 1 });
      }
    },
    closedWith: () => closed,
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close();
      });
    },
  };
}
