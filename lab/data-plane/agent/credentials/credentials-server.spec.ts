import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Dimensions } from '../../../../core/matrix/dimensions.ts';
import { AuditLog } from './audit-log.ts';
import { type RunningCredentialsServer, startCredentialsServer, THROTTLED_BODY } from './credentials-server.ts';
import { type RoleCredentials, TaskCredentialsStore } from './credentials-store.ts';
import { TollboothLimiter } from './rate-limiter.ts';

const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/lab/0123456789abcdef0123456789abcdef';
const CREDENTIALS: RoleCredentials = {
  RoleArn: 'arn:aws:iam::123456789012:role/task-role',
  AccessKeyId: 'ASIATESTKEY',
  SecretAccessKey: 'secret-must-not-be-logged',
  Token: 'token-must-not-be-logged',
  Expiration: '2030-01-01T00:00:00Z',
};

interface Endpoint {
  base: string;
  store: TaskCredentialsStore;
  audit: AuditLog;
  running: RunningCredentialsServer;
  dir: string;
}

async function startEndpoint(
  limit = { steady: 40, burst: 60 },
  agentVersion: Dimensions['agentVersion'] = '1.101.2',
): Promise<Endpoint> {
  const dir = await mkdtemp(join(tmpdir(), 'creds-endpoint-'));
  const store = new TaskCredentialsStore();
  const audit = new AuditLog(join(dir, 'var/log/ecs/audit.log'), {
    cluster: 'lab',
    containerInstanceArn: () => 'arn:aws:ecs:us-east-1:123456789012:container-instance/lab/ci-1',
  });
  const running = await startCredentialsServer({
    store,
    audit,
    limiter: new TollboothLimiter(limit),
    steadyRate: limit.steady,
    agentVersion,
    host: '127.0.0.1',
    port: 0,
  });
  return { base: `http://127.0.0.1:${running.address.port}`, store, audit, running, dir };
}

async function stopEndpoint(endpoint: Endpoint): Promise<void> {
  await endpoint.running.close();
  await endpoint.audit.flush();
  await rm(endpoint.dir, { recursive: true, force: true });
}

async function auditLines(endpoint: Endpoint): Promise<string[]> {
  await endpoint.audit.flush();
  const text = await readFile(endpoint.audit.file, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

test.describe('credentials endpoint', () => {
  let endpoint: Endpoint;
  test.beforeEach(async () => {
    endpoint = await startEndpoint();
  });
  test.afterEach(async () => {
    await stopEndpoint(endpoint);
  });

  test('200 with the role credentials (v2 and v1) and an audit line with the task ARN', async () => {
    endpoint.store.set('cred-1', TASK_ARN, CREDENTIALS);
    for (const path of ['/v2/credentials/cred-1', '/v1/credentials?id=cred-1']) {
      const response = await fetch(endpoint.base + path, { headers: { 'user-agent': 'spec-agent' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe(JSON.stringify(CREDENTIALS));
    }
    const lines = await auditLines(endpoint);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 200 127\.0\.0\.1:\d+ "\/v2\/credentials" "spec-agent" arn:aws:ecs:\S+:task\/lab\/0123456789abcdef0123456789abcdef GetCredentials 2 lab arn:aws:ecs:\S+:container-instance\/lab\/ci-1$/,
    );
    expect(lines[1]).toContain(' "/v1/credentials" ');
    const text = lines.join('\n');
    expect(text).not.toContain(CREDENTIALS.SecretAccessKey);
    expect(text).not.toContain(CREDENTIALS.Token);
  });

  const errorCases: Array<[string, number, string, string]> = [
    ['/v2/credentials/', 400, 'NoIdInRequest', 'CredentialsV2Request: No Credential ID in the request'],
    ['/v1/credentials', 400, 'NoIdInRequest', 'CredentialsV1Request: No Credential ID in the request'],
    ['/v1/credentials?id=', 400, 'NoIdInRequest', 'CredentialsV1Request: No Credential ID in the request'],
    ['/v2/credentials/nope', 400, 'InvalidIdInRequest', 'CredentialsV2Request: Credentials not found'],
    ['/v1/credentials?id=nope', 400, 'InvalidIdInRequest', 'CredentialsV1Request: Credentials not found'],
    [
      '/v2/credentials/pending',
      503,
      'CredentialsUninitialized',
      'CredentialsV2Request: Credentials uninitialized for ID',
    ],
  ];
  for (const [path, status, code, message] of errorCases) {
    test(`${path} → ${status} ${code}`, async () => {
      endpoint.store.markPending('pending');
      const response = await fetch(endpoint.base + path);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({ code, message, HTTPErrorCode: status });
      const [line] = await auditLines(endpoint);
      expect(line).toMatch(new RegExp(`^\\S+ ${status} 127\\.0\\.0\\.1:\\d+ "/v[12]/credentials" "[^"]*" - $`));
    });
  }

  test('other paths → 404 text, not audited', async () => {
    for (const path of ['/v2/credentials', '/v3/metadata', '/']) {
      const response = await fetch(endpoint.base + path);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('404 page not found\n');
    }
    expect(await auditLines(endpoint)).toEqual([]);
  });

  test('credentials removed when the task stops → 400 InvalidIdInRequest', async () => {
    endpoint.store.set('cred-2', TASK_ARN, CREDENTIALS);
    expect((await fetch(`${endpoint.base}/v2/credentials/cred-2`)).status).toBe(200);
    endpoint.store.remove('cred-2');
    const response = await fetch(`${endpoint.base}/v2/credentials/cred-2`);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('InvalidIdInRequest');
  });
});

test('ECS_TASK_METADATA_RPS_LIMIT=1,1 with a burst → 429s, each in the audit log', async () => {
  const endpoint = await startEndpoint({ steady: 1, burst: 1 });
  try {
    endpoint.store.set('cred-3', TASK_ARN, CREDENTIALS);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${endpoint.base}/v2/credentials/cred-3`)),
    );
    const statuses = responses.map((response) => response.status);
    const throttled = responses.filter((response) => response.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(statuses).toContain(200);
    expect(throttled[0]?.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(throttled[0]?.headers.get('x-rate-limit-limit')).toBe('1.00');
    expect(await throttled[0]?.text()).toBe(THROTTLED_BODY);
    const lines = await auditLines(endpoint);
    expect(lines.filter((line) => / 429 .* - $/.test(line))).toHaveLength(throttled.length);
  } finally {
    await stopEndpoint(endpoint);
  }
});

test.describe('where agent releases differ', () => {
  test('a known id without credentials yet: 503 since 1.101.2, 400 "not found" on 1.95.0 (aws/amazon-ecs-agent#4833)', async () => {
    const answers: Record<string, { status: number; code: string }> = {};
    for (const version of ['1.101.2', '1.95.0'] as const) {
      const endpoint = await startEndpoint(undefined, version);
      try {
        endpoint.store.markPending('restarted');
        const response = await fetch(`${endpoint.base}/v2/credentials/restarted`);
        answers[version] = { status: response.status, code: (await response.json()).code };
      } finally {
        await stopEndpoint(endpoint);
      }
    }
    expect(answers).toEqual({
      '1.101.2': { status: 503, code: 'CredentialsUninitialized' },
      '1.95.0': { status: 400, code: 'InvalidIdInRequest' },
    });
  });

  for (const version of ['1.101.2', '1.95.0'] as const) {
    test(`${version}: an extra slash is redirected (301) to the clean path, not audited; the clean path serves`, async () => {
      const endpoint = await startEndpoint(undefined, version);
      try {
        endpoint.store.set('cred-slash', TASK_ARN, CREDENTIALS);
        const response = await fetch(`${endpoint.base}//v2/credentials/cred-slash`, { redirect: 'manual' });
        expect(response.status).toBe(301);
        expect(response.headers.get('location')).toBe('/v2/credentials/cred-slash');
        const v1 = await fetch(`${endpoint.base}/v1//credentials?id=cred-slash`, { redirect: 'manual' });
        expect(v1.headers.get('location')).toBe('/v1/credentials?id=cred-slash');
        expect(await auditLines(endpoint)).toEqual([]);
        const followed = await fetch(`${endpoint.base}//v2/credentials/cred-slash`);
        expect(followed.status).toBe(200);
        expect((await followed.json()).AccessKeyId).toBe(CREDENTIALS.AccessKeyId);
      } finally {
        await stopEndpoint(endpoint);
      }
    });
  }
});
