import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HopLimits } from './hop-limit.ts';
import { answerMetadata, type ImdsCredentials, type ImdsInstance, type MetadataAnswer } from './instance-metadata.ts';

/** Refresh the instance role's credentials this long before they expire (EC2 rotates them ahead of expiry). */
const REFRESH_BEFORE_EXPIRY_MS = 10 * 60_000;
const FALLBACK_CACHE_MS = 5 * 60_000;
const MAX_TOKEN_TTL_SECONDS = 21_600;

interface Registered {
  instance: ImdsInstance;
  pendingTime: Date;
  cached?: { value: Promise<ImdsCredentials | undefined>; refreshAt: number };
}

interface Token {
  address: string;
  expiresAt: number;
}

/**
 * The lab's instance metadata service: one HTTP service off-instance (in the VPC namespace) answering
 * every instance of the lab, which it tells apart by source address as EC2 tells them apart by ENI.
 * Bridge-mode tasks arrive masqueraded behind their instance's address, as on EC2.
 *
 * Tokens required or optional is the service's own logic; the hop limit is not: the service answers every
 * token PUT, and the network delivers the answer or not (hop-limit.ts), whoever asked.
 */
export class ImdsService {
  readonly #instances = new Map<string, Registered>();
  readonly #tokens = new Map<string, Token>();
  readonly #hopLimits: HopLimits | undefined;

  constructor(options: { hopLimits?: HopLimits } = {}) {
    this.#hopLimits = options.hopLimits;
  }

  /** Serves the instance from now on; its token responses leave with its hop limit as TTL. */
  async register(instance: ImdsInstance): Promise<void> {
    await this.#hopLimits?.set(instance.privateIp, instance.options.httpPutResponseHopLimit);
    this.#instances.set(instance.privateIp, { instance, pendingTime: new Date() });
  }

  async unregister(privateIp: string): Promise<void> {
    this.#instances.delete(privateIp);
    for (const [token, entry] of this.#tokens) if (entry.address === privateIp) this.#tokens.delete(token);
    await this.#hopLimits?.remove(privateIp);
  }

  /**
   * Another address of a registered instance (a task ENI attached to it): EC2 answers a request from any ENI
   * of an instance with that instance's metadata and role, with its hop limit.
   */
  async addAddress(privateIp: string, address: string): Promise<void> {
    const registered = this.#instances.get(privateIp);
    if (!registered) return;
    await this.#hopLimits?.set(address, registered.instance.options.httpPutResponseHopLimit);
    this.#instances.set(address, registered);
  }

  async removeAddress(address: string): Promise<void> {
    if (this.#instances.get(address)?.instance.privateIp === address) return;
    this.#instances.delete(address);
    for (const [token, entry] of this.#tokens) if (entry.address === address) this.#tokens.delete(token);
    await this.#hopLimits?.remove(address);
  }

  handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: `lab IMDS error: ${String(error)}` });
      });
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const address = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const registered = this.#instances.get(address);
    if (!registered) return send(res, { status: 403, body: 'lab IMDS: unknown source address' });
    const { instance } = registered;
    const path = new URL(req.url ?? '/', 'http://169.254.169.254').pathname;

    if (path === '/latest/api/token') {
      if (req.method !== 'PUT') return send(res, { status: 405, body: '' });
      if (req.headers['x-forwarded-for'] !== undefined) return send(res, { status: 403, body: '' });
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) return send(res, { status: 400, body: '' });
      const token = randomBytes(42).toString('base64');
      this.#tokens.set(token, { address, expiresAt: Date.now() + ttl * 1000 });
      res.setHeader('X-Aws-Ec2-Metadata-Token-Ttl-Seconds', String(ttl));
      return send(res, { status: 200, body: token });
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, { status: 405, body: '' });
    const tokenHeader = req.headers['x-aws-ec2-metadata-token'];
    if (tokenHeader !== undefined) {
      const token = this.#tokens.get(String(tokenHeader));
      if (!token || token.address !== address || token.expiresAt < Date.now()) {
        return send(res, { status: 401, body: '' });
      }
    } else if (instance.options.httpTokens === 'required') {
      return send(res, { status: 401, body: '' });
    }
    const answer = await answerMetadata(instance, path, () => this.#credentials(registered), registered.pendingTime);
    send(res, answer, req.method === 'HEAD');
  }

  #credentials(registered: Registered): Promise<ImdsCredentials | undefined> {
    const provider = registered.instance.credentials;
    if (!provider) return Promise.resolve(undefined);
    const now = Date.now();
    if (registered.cached && registered.cached.refreshAt > now) return registered.cached.value;
    const value = provider();
    registered.cached = { value, refreshAt: now + FALLBACK_CACHE_MS };
    value.then(
      (credentials) => {
        const expires =
          credentials && 'expiration' in credentials ? new Date(credentials.expiration).getTime() : Number.NaN;
        if (registered.cached?.value === value && Number.isFinite(expires)) {
          registered.cached.refreshAt = Math.max(now, expires - REFRESH_BEFORE_EXPIRY_MS);
        }
      },
      () => {
        if (registered.cached?.value === value) registered.cached = undefined;
      },
    );
    return value;
  }
}

function send(res: ServerResponse, answer: MetadataAnswer, headOnly = false): void {
  res.statusCode = answer.status;
  res.setHeader('Content-Type', answer.contentType ?? 'text/plain');
  res.setHeader('Server', 'EC2ws');
  res.setHeader('Content-Length', Buffer.byteLength(answer.body));
  res.end(headOnly ? undefined : answer.body);
}
