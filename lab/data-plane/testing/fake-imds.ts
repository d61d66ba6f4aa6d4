/**
 * Test support: a minimal IMDS (v2 tokens optional, v1 accepted) serving one instance's identity document
 * and instance-profile credentials from a JSON file. Run inside the instance namespace:
 * `node fake-imds.ts <host> <port> <identity.json>`; prints "listening" when ready.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

export interface FakeImdsIdentity {
  document: Record<string, unknown>;
  roleName: string;
  credentials: { AccessKeyId: string; SecretAccessKey: string; Token: string; Expiration: string };
}

const [host = '169.254.169.254', port = '80', file = ''] = process.argv.slice(2);
const identity = JSON.parse(readFileSync(file, 'utf8')) as FakeImdsIdentity;

const routes: Record<string, () => string> = {
  '/latest/dynamic/instance-identity/document': () => JSON.stringify(identity.document, null, 2),
  '/latest/dynamic/instance-identity/signature': () => 'bGFiLXNpZ25hdHVyZQ==',
  '/latest/meta-data/instance-id': () => String(identity.document.instanceId),
  '/latest/meta-data/placement/region': () => String(identity.document.region),
  '/latest/meta-data/iam/security-credentials/': () => identity.roleName,
  [`/latest/meta-data/iam/security-credentials/${identity.roleName}`]: () =>
    JSON.stringify({
      Code: 'Success',
      LastUpdated: new Date().toISOString(),
      Type: 'AWS-HMAC',
      ...identity.credentials,
    }),
};

createServer((request, response) => {
  if (request.method === 'PUT' && request.url === '/latest/api/token') {
    response.end('lab-imds-token');
    return;
  }
  const route = request.method === 'GET' ? routes[request.url ?? ''] : undefined;
  if (!route) {
    response.writeHead(404).end();
    return;
  }
  response.end(route());
}).listen(Number(port), host, () => process.stdout.write('listening\n'));
