import { expect, test } from '@playwright/test';
import { runInNetns } from '../network/commands.ts';
import { labSkipReason } from '../network/preflight.ts';
import { useLabNetwork } from '../testing/lab-network-fixture.ts';
import { imdsResponseTtls } from '../testing/response-ttl.ts';
import { BOTOCORE_ACCESS_KEY, bootTestHost, CURL_TIMEOUT, INSTANCE_ROLE, probe } from '../testing/test-host.ts';
import { createBridgeTaskNamespace } from './bridge-task.ts';

/**
 * The PUT response hop limit, by its mechanism: the token response's IP TTL and its decrement where the
 * instance forwards to docker0 (network/vpc/hop-limit.ts).
 */
test.skip(labSkipReason() !== undefined, labSkipReason());

const IMDS = 'http://169.254.169.254';

const labNetwork = useLabNetwork();

const tokenRequest = probe(`${IMDS}/latest/api/token`, ['-X', 'PUT', '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 60']);

test('hop limit 1: a bridge task waits in vain for a token while the host gets one; token-less GETs still reach it', async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2-ecs', '', { imds: { httpPutResponseHopLimit: 1 } });
  const task = await createBridgeTaskNamespace(host);
  try {
    // The response does reach the instance, with TTL 1: its forwarding to docker0 is where it dies.
    const seen = await imdsResponseTtls(host.netns, [1], async () => {
      expect((await task.exec('curl', tokenRequest)).exitCode).toBe(CURL_TIMEOUT);
    });
    expect(seen[1]).toBeGreaterThan(0);
    const fromHost = await host.exec('curl', tokenRequest);
    expect(fromHost.exitCode).toBe(0);
    expect(fromHost.stdout.length).toBeGreaterThan(20);
    // The hop limit is the PUT response's: IMDSv1 answers cross docker0 like any other packet.
    const v1 = await task.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`));
    expect(v1.exitCode, v1.stderr).toBe(0);
    expect(v1.stdout).toBe(host.instanceId);
  } finally {
    await task.remove();
    await host.shutdown();
  }
});

test('hop limit 2: a bridge task gets its token, which leaves IMDS with TTL 2 and reaches the task with TTL 1', async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2023-ecs', '', {
    imds: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
  });
  const task = await createBridgeTaskNamespace(host);
  try {
    let token = '';
    const atInstance = await imdsResponseTtls(host.netns, [1, 2, 64], async () => {
      const atTask = await imdsResponseTtls(task.netns, [1, 2], async () => {
        const put = await task.exec('curl', tokenRequest);
        expect(put.exitCode, put.stderr).toBe(0);
        token = put.stdout;
      });
      expect(atTask).toEqual({ 1: 1, 2: 0 });
    });
    // At least: the instance's own services may fetch a token of their own meanwhile.
    expect(atInstance[2]).toBeGreaterThan(0);
    expect(atInstance[1]).toBe(0);
    const withToken = await task.exec(
      'curl',
      probe(`${IMDS}/latest/meta-data/instance-id`, ['-H', `X-aws-ec2-metadata-token: ${token}`]),
    );
    expect(withToken.stdout).toBe(host.instanceId);
  } finally {
    await task.remove();
    await host.shutdown();
  }
});

test('only token responses carry the hop limit: the other answers leave IMDS with the default TTL', async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2-ecs', '', { imds: { httpPutResponseHopLimit: 1 } });
  try {
    const put = await imdsResponseTtls(host.netns, [1, 64], async () => {
      expect((await host.exec('curl', tokenRequest)).exitCode).toBe(0);
    });
    expect(put[1]).toBeGreaterThan(0);
    const get = await imdsResponseTtls(host.netns, [1, 64], async () => {
      expect((await host.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`))).stdout).toBe(host.instanceId);
    });
    expect(get[64]).toBeGreaterThan(0);
  } finally {
    await host.shutdown();
  }
});

test("the hop limit judges the response's path, not the request's TTL: a host process sending with TTL 32 gets its token", async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2-ecs', '', { imds: { httpPutResponseHopLimit: 1 } });
  try {
    await runInNetns(host.netns, 'sysctl', ['-qw', 'net.ipv4.ip_default_ttl=32']);
    const fromHost = await host.exec('curl', tokenRequest);
    expect(fromHost.exitCode, fromHost.stderr).toBe(0);
    expect(fromHost.stdout.length).toBeGreaterThan(20);
  } finally {
    await host.shutdown();
  }
});

test('hop limit 1, botocore in a bridge task: the token PUT times out, IMDSv1 gets the role with tokens optional and nothing with tokens required', async () => {
  const [optional, required] = await Promise.all([
    bootTestHost(labNetwork(), 'al2-ecs', '', { imds: { httpTokens: 'optional', httpPutResponseHopLimit: 1 } }),
    bootTestHost(labNetwork(), 'al2023-ecs', '', { imds: { httpTokens: 'required', httpPutResponseHopLimit: 1 } }),
  ]);
  const tasks = await Promise.all([createBridgeTaskNamespace(optional.host), createBridgeTaskNamespace(required.host)]);
  try {
    const [withV1, withoutV1] = await Promise.all(tasks.map((task) => task.exec('env', BOTOCORE_ACCESS_KEY)));
    expect(withV1?.stdout.trim()).toBe(INSTANCE_ROLE.accessKeyId);
    expect(withoutV1?.stdout.trim()).toBe('no credentials');
  } finally {
    await Promise.all(tasks.map((task) => task.remove()));
    await Promise.all([optional.host.shutdown(), required.host.shutdown()]);
  }
});
