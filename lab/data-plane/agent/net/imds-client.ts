/**
 * The agent's IMDS calls (instance identity document and signature, instance-role credentials), made
 * through the agent's proxy rules like the Go SDK's EC2 metadata client: IMDSv2 token first, IMDSv1 when
 * the token call is refused with a 4xx (403/404/405).
 */
import type { ProxySettings } from '../ecs-config.ts';
import { agentHttp } from './agent-http.ts';

export const IMDS_ENDPOINT = 'http://169.254.169.254';

export interface InstanceIdentityDocument {
  instanceId: string;
  region: string;
  availabilityZone?: string;
  accountId?: string;
  imageId?: string;
  instanceType?: string;
  privateIp?: string;
}

export interface InstanceIdentity {
  document: InstanceIdentityDocument;
  /** The raw JSON text as served: RegisterContainerInstance sends it verbatim. */
  documentText: string;
  signature: string;
}

export interface InstanceRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date | undefined;
}

export class ImdsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImdsError';
  }
}

export class ImdsClient {
  readonly #proxy: ProxySettings;
  readonly #endpoint: string;
  readonly #timeoutMs: number;

  constructor(proxy: ProxySettings, options: { endpoint?: string; timeoutMs?: number } = {}) {
    this.#proxy = proxy;
    this.#endpoint = options.endpoint ?? IMDS_ENDPOINT;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async identity(): Promise<InstanceIdentity> {
    const documentText = await this.get('/latest/dynamic/instance-identity/document');
    const signature = await this.get('/latest/dynamic/instance-identity/signature');
    let document: InstanceIdentityDocument;
    try {
      document = JSON.parse(documentText) as InstanceIdentityDocument;
    } catch (error) {
      throw new ImdsError('instance identity document is not JSON', { cause: error });
    }
    return { document, documentText, signature };
  }

  async roleCredentials(): Promise<InstanceRoleCredentials> {
    const roles = await this.get('/latest/meta-data/iam/security-credentials/');
    const role = roles.split('\n')[0]?.trim();
    if (!role) throw new ImdsError('no instance profile role in IMDS');
    const parsed = JSON.parse(await this.get(`/latest/meta-data/iam/security-credentials/${role}`)) as {
      Code?: string;
      AccessKeyId?: string;
      SecretAccessKey?: string;
      Token?: string;
      Expiration?: string;
    };
    if (parsed.Code !== 'Success' || !parsed.AccessKeyId || !parsed.SecretAccessKey || !parsed.Token) {
      throw new ImdsError(`IMDS credentials for role ${role} not usable (Code ${parsed.Code ?? 'missing'})`);
    }
    return {
      accessKeyId: parsed.AccessKeyId,
      secretAccessKey: parsed.SecretAccessKey,
      sessionToken: parsed.Token,
      expiration: parsed.Expiration ? new Date(parsed.Expiration) : undefined,
    };
  }

  async get(path: string): Promise<string> {
    const token = await this.#token();
    const response = await this.#send('GET', path, token ? { 'x-aws-ec2-metadata-token': token } : {});
    if (response.status !== 200) {
      throw new ImdsError(`EC2 metadata GET ${path}: HTTP ${response.status}`);
    }
    return response.body;
  }

  async #token(): Promise<string | undefined> {
    const response = await this.#send('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' });
    if (response.status === 200) return response.body;
    if ([403, 404, 405].includes(response.status)) return undefined;
    throw new ImdsError(`EC2 metadata token: HTTP ${response.status}`);
  }

  async #send(method: string, path: string, headers: Record<string, string>) {
    try {
      return await agentHttp(this.#proxy, {
        method,
        url: new URL(path, this.#endpoint),
        headers,
        timeoutMs: this.#timeoutMs,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ImdsError(`EC2 metadata ${method} ${path}: ${reason}`, { cause: error });
    }
  }
}
