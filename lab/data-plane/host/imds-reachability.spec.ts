import { expect, test } from '@playwright/test';
import { ipBatch, run } from '../network/commands.ts';
import { labSkipReason } from '../network/preflight.ts';
import { useLabNetwork } from '../testing/lab-network-fixture.ts';
import { BOTOCORE_ACCESS_KEY, bootTestHost, CURL_TIMEOUT, INSTANCE_ROLE, probe } from '../testing/test-host.ts';
import { createBridgeTaskNamespace } from './bridge-task.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

const IMDS = 'http://169.254.169.254';
const CREDENTIALS_PATH = `/latest/meta-data/iam/security-credentials/${INSTANCE_ROLE.roleName}`;

const labNetwork = useLabNetwork();

/** IMDSv2 in shell: token, then the credentials document with it. */
const imdsV2Script = `token=$(curl -sS --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' ${IMDS}/latest/api/token) || exit $?
curl -sS --max-time 2 -H "X-aws-ec2-metadata-token: $token" ${IMDS}${CREDENTIALS_PATH}`;

test('a process on the instance gets the instance role from IMDS with v2 and v1', async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2023-ecs', '');
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
  const { host } = await bootTestHost(labNetwork(), 'al2023-ecs', '');
  const task = await createBridgeTaskNamespace(host);
  try {
    const v2 = await task.exec('sh', ['-c', imdsV2Script]);
    expect(v2.exitCode).toBe(0);
    expect(JSON.parse(v2.stdout).AccessKeyId).toBe(INSTANCE_ROLE.accessKeyId);
    const v1 = await task.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`));
    expect(v1.stdout).toBe(host.instanceId);
    // A real credential chain with an empty environment ends at IMDS and gets the instance role.
    const botocore = await task.exec('env', BOTOCORE_ACCESS_KEY);
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
  const { host } = await bootTestHost(labNetwork(), 'al2023-ecs', userData);
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
  const { host } = await bootTestHost(labNetwork(), 'al2023-plain', '', { imds: { httpTokens: 'required' } });
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

/** A bridge port with the lowest possible MAC: a bridge without a MAC of its own would take it over. */
const LOWEST_MAC = '00:00:00:00:00:01';

async function macOf(link: string, netns?: string): Promise<string> {
  const { stdout } = await run('ip', [...(netns ? ['-n', netns] : []), '-o', 'link', 'show', link]);
  return /link\/ether (\S+)/.exec(stdout)?.[1] ?? '';
}

test('a bridge task keeps reaching IMDS after another task leaves docker0 (docker0 keeps its MAC)', async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2023-ecs', '');
  const leaving = `${labNetwork().prefix}-lv`;
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
  const before = await macOf(labNetwork().names.bridge);
  const port = `${labNetwork().prefix}-lv`;
  await ipBatch([
    `link add ${port} address ${LOWEST_MAC} type veth peer name ${port}p`,
    `link set ${port} master ${labNetwork().names.bridge} up`,
  ]);
  expect(await macOf(labNetwork().names.bridge)).toBe(before);
  await run('ip', ['link', 'delete', port]);
  expect(await macOf(labNetwork().names.bridge)).toBe(before);
});
