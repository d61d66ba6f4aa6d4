import { expect, test } from '@playwright/test';
import { ipBatch, run, runInNetns } from '../network/commands.ts';
import { createLabNetwork, type LabNetwork } from '../network/lab-network.ts';
import { labSkipReason } from '../network/preflight.ts';
import { imdsResponseTtls } from '../testing/response-ttl.ts';
import { bootTestHost, CURL_TIMEOUT, INSTANCE_ROLE, probe } from '../testing/test-host.ts';
import { createBridgeTaskNamespace } from './bridge-task.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

const IMDS = 'http://169.254.169.254';
const CREDENTIALS_PATH = `/latest/meta-data/iam/security-credentials/${INSTANCE_ROLE.roleName}`;
const PYTHON = '/root/.pyenv/versions/3.11.7/bin/python';

let lab: LabNetwork;
test.beforeAll(async () => {
  lab = await createLabNetwork();
});
test.afterAll(async () => {
  await lab?.close();
});

/** IMDSv2 in shell: token, then the credentials document with it. */
const imdsV2Script = `token=$(curl -sS --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' ${IMDS}/latest/api/token) || exit $?
curl -sS --max-time 2 -H "X-aws-ec2-metadata-token: $token" ${IMDS}${CREDENTIALS_PATH}`;

test('a process on the instance gets the instance role from IMDS with v2 and v1', async () => {
  const { host } = await bootTestHost(lab, 'al2023-ecs', '');
  try {
    const v2 = await host.exec('sh', ['-c', imdsV2Script]);
    expect(v2.exitCode).toBe(0);
    expect(JSON.parse(v2.stdout)).toMatchObject({ Code: 'Success', AccessKeyId: INSTANCE_ROLE.accessKeyId });

    const v1 = await host.exec('curl', probe(`${IMDS}${CREDENTIALS_PATH}`));
    expect(v1.exitCode).toBe(0);
    expect(JSON.parse(v1.stdout).AccessKeyId).toBe(INSTANCE_ROLE.accessKeyId);

    const identity = await host.exec('curl', probe(`${IMDS}/latest/dynamic/instance-identity/document`));
    expect(JSON.parse(identity.stdout)).toMatchObject({ instanceId: host.instanceId, privateIp: host.privateIp });
    const region = await host.exec('curl', probe(`${IMDS}/latest/meta-data/placement/region`));
    expect(region.stdout).toBe('us-east-1');
  } finally {
    await host.shutdown();
  }
});

test('a bridge-mode task reaches IMDS through the instance (v2, v1 and botocore)', async () => {
  const { host } = await bootTestHost(lab, 'al2023-ecs', '');
  const task = await createBridgeTaskNamespace(host);
  try {
    const v2 = await task.exec('sh', ['-c', imdsV2Script]);
    expect(v2.exitCode).toBe(0);
    expect(JSON.parse(v2.stdout).AccessKeyId).toBe(INSTANCE_ROLE.accessKeyId);
    const v1 = await task.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`));
    expect(v1.stdout).toBe(host.instanceId);
    // A real credential chain with an empty environment ends at IMDS and gets the instance role.
    const botocore = await task.exec('env', [
      '-i',
      'HOME=/nonexistent',
      PYTHON,
      '-c',
      'import botocore.session; print(botocore.session.get_session().get_credentials().access_key)',
    ]);
    expect(botocore.stdout.trim()).toBe(INSTANCE_ROLE.accessKeyId);
  } finally {
    await task.remove();
    await host.shutdown();
  }
});

test('the DOCKER-USER drop rule blocks IMDS for bridge tasks (timeout) and not for the host', async () => {
  const userData = `#!/bin/bash
iptables --insert DOCKER-USER 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP
`;
  const { host } = await bootTestHost(lab, 'al2023-ecs', userData);
  const task = await createBridgeTaskNamespace(host);
  try {
    const fromTask = await task.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`));
    expect(fromTask.exitCode).toBe(CURL_TIMEOUT);
    const fromHost = await host.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`));
    expect(fromHost.exitCode).toBe(0);
    expect(fromHost.stdout).toBe(host.instanceId);
  } finally {
    await task.remove();
    await host.shutdown();
  }
});

test('IMDSv2 required: requests without a token get 401', async () => {
  const { host } = await bootTestHost(lab, 'al2023-plain', '', { imds: { httpTokens: 'required' } });
  try {
    const v1 = await host.exec(
      'curl',
      probe(`${IMDS}/latest/meta-data/instance-id`, ['-o', '/dev/null', '-w', '%{http_code}']),
    );
    expect(v1.stdout).toBe('401');
    const v2 = await host.exec('sh', ['-c', imdsV2Script]);
    expect(JSON.parse(v2.stdout).AccessKeyId).toBe(INSTANCE_ROLE.accessKeyId);
  } finally {
    await host.shutdown();
  }
});

const tokenRequest = probe(`${IMDS}/latest/api/token`, ['-X', 'PUT', '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 60']);

/** botocore's own credential chain with an empty environment: it ends at IMDS. */
const botocoreAccessKey = [
  '-i',
  'HOME=/nonexistent',
  PYTHON,
  '-c',
  'import botocore.session; c = botocore.session.get_session().get_credentials(); print(c.access_key if c else "no credentials")',
];

test('hop limit 1: a bridge task waits in vain for a token while the host gets one; token-less GETs still reach it', async () => {
  const { host } = await bootTestHost(lab, 'al2-ecs', '', { imds: { httpPutResponseHopLimit: 1 } });
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
  const { host } = await bootTestHost(lab, 'al2023-ecs', '', {
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
  const { host } = await bootTestHost(lab, 'al2-ecs', '', { imds: { httpPutResponseHopLimit: 1 } });
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
  const { host } = await bootTestHost(lab, 'al2-ecs', '', { imds: { httpPutResponseHopLimit: 1 } });
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
    bootTestHost(lab, 'al2-ecs', '', { imds: { httpTokens: 'optional', httpPutResponseHopLimit: 1 } }),
    bootTestHost(lab, 'al2023-ecs', '', { imds: { httpTokens: 'required', httpPutResponseHopLimit: 1 } }),
  ]);
  const tasks = await Promise.all([createBridgeTaskNamespace(optional.host), createBridgeTaskNamespace(required.host)]);
  try {
    const [withV1, withoutV1] = await Promise.all(tasks.map((task) => task.exec('env', botocoreAccessKey)));
    expect(withV1?.stdout.trim()).toBe(INSTANCE_ROLE.accessKeyId);
    expect(withoutV1?.stdout.trim()).toBe('no credentials');
  } finally {
    await Promise.all(tasks.map((task) => task.remove()));
    await Promise.all([optional.host.shutdown(), required.host.shutdown()]);
  }
});

/** A bridge port with the lowest possible MAC: a bridge without a MAC of its own would take it over. */
const LOWEST_MAC = '00:00:00:00:00:01';

async function macOf(link: string, netns?: string): Promise<string> {
  const { stdout } = await run('ip', [...(netns ? ['-n', netns] : []), '-o', 'link', 'show', link]);
  return /link\/ether (\S+)/.exec(stdout)?.[1] ?? '';
}

test('a bridge task keeps reaching IMDS after another task leaves docker0 (docker0 keeps its MAC)', async () => {
  const { host } = await bootTestHost(lab, 'al2023-ecs', '');
  const leaving = `${lab.prefix}-lv`;
  try {
    const bridgeMac = await macOf(host.taskBridge.name, host.netns);
    await ipBatch([
      `-n ${host.netns} link add ${leaving} address ${LOWEST_MAC} type veth peer name ${leaving}p`,
      `-n ${host.netns} link set ${leaving} master ${host.taskBridge.name} up`,
    ]);
    const task = await createBridgeTaskNamespace(host);
    try {
      // The task learns docker0's MAC while the low-MAC port is attached, then that port goes away.
      expect((await task.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`))).stdout).toBe(host.instanceId);
      await run('ip', ['-n', host.netns, 'link', 'delete', leaving]);
      expect(await macOf(host.taskBridge.name, host.netns)).toBe(bridgeMac);
      const again = await task.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`));
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stdout).toBe(host.instanceId);
    } finally {
      await task.remove();
    }
  } finally {
    await host.shutdown();
  }
});

test('the lab bridge keeps its MAC while instances come and go', async () => {
  const before = await macOf(lab.names.bridge);
  const port = `${lab.prefix}-lv`;
  await ipBatch([
    `link add ${port} address ${LOWEST_MAC} type veth peer name ${port}p`,
    `link set ${port} master ${lab.names.bridge} up`,
  ]);
  expect(await macOf(lab.names.bridge)).toBe(before);
  await run('ip', ['link', 'delete', port]);
  expect(await macOf(lab.names.bridge)).toBe(before);
});
