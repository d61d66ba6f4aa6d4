import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { labSkipReason } from '../network/preflight.ts';
import { useLabNetwork } from '../testing/lab-network-fixture.ts';
import { bootTestHost } from '../testing/test-host.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

const lab = useLabNetwork();

test("user data writing /etc/ecs/ecs.config changes the instance's own file; the agent gets it", async () => {
  const realEtcEcsBefore = existsSync('/etc/ecs');
  const userData = [
    '#!/bin/bash',
    'echo ECS_CLUSTER=conformance >> /etc/ecs/ecs.config',
    'echo ECS_ENABLE_TASK_IAM_ROLE=false >> /etc/ecs/ecs.config',
  ].join('\n');
  const { host, agent } = await bootTestHost(lab(), 'al2023-ecs', userData);
  try {
    const own = await readFile(join(host.rootDir, 'etc/ecs/ecs.config'), 'utf8');
    expect(own).toBe('ECS_CLUSTER=conformance\nECS_ENABLE_TASK_IAM_ROLE=false\n');
    expect(existsSync('/etc/ecs')).toBe(realEtcEcsBefore);
    expect(agent.launches).toHaveLength(1);
    expect(agent.launches[0]?.agentEnvironment).toMatchObject({
      ECS_CLUSTER: 'conformance',
      ECS_ENABLE_TASK_IAM_ROLE: 'false',
      ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'true',
    });
    expect(agent.launches[0]).toMatchObject({
      instanceId: host.instanceId,
      netns: host.netns,
      rootDir: host.rootDir,
      region: 'us-east-1',
      controlPlaneEndpoint: `http://${lab().controlPlaneAddress}:4566`,
      taskBridge: { name: 'docker0', gateway: '198.19.0.1', prefixLength: 24 },
    });
  } finally {
    await host.shutdown();
  }
});

test('a drop-in written by user data without `systemctl daemon-reload` does not reach ecs-init', async () => {
  const userData = [
    '#!/bin/bash',
    'mkdir -p /etc/systemd/system/ecs.service.d',
    "printf '[Service]\\nEnvironment=DROPIN_ONLY=yes\\n' > /etc/systemd/system/ecs.service.d/late.conf",
    // sd_booted(3): the AMI's systemd is PID 1.
    '[ -d /run/systemd/system ] && echo systemd-booted',
  ].join('\n');
  const { host } = await bootTestHost(lab(), 'al2023-ecs', userData);
  try {
    expect(host.ecsInitEnvironment.DROPIN_ONLY).toBeUndefined();
    expect(await host.consoleOutput()).toContain('systemd-booted');
  } finally {
    await host.shutdown();
  }
  const al1 = await bootTestHost(lab(), 'al1-ecs', '#!/bin/bash\n[ -d /run/systemd/system ] || echo not-systemd\n');
  try {
    expect(await al1.host.consoleOutput()).toContain('not-systemd');
  } finally {
    await al1.host.shutdown();
  }
});

test('proxy settings: the systemd drop-in reaches ecs-init, ecs.config reaches the agent', async () => {
  const userData = [
    '#!/bin/bash',
    "cat > /etc/ecs/ecs.config <<'CONFIG'",
    'ECS_CLUSTER=proxied',
    'HTTP_PROXY=http://198.18.0.3:3128',
    'NO_PROXY=169.254.169.254,169.254.170.2,/var/run/docker.sock',
    'ECS_SKIP_LOCALHOST_TRAFFIC_FILTER=true',
    'CONFIG',
    'mkdir -p /etc/systemd/system/ecs.service.d',
    "cat > /etc/systemd/system/ecs.service.d/http-proxy.conf <<'DROPIN'",
    '[Service]',
    'Environment="HTTP_PROXY=http://198.18.0.3:3128/" "DROPIN_ONLY=yes"',
    'DROPIN',
    'systemctl daemon-reload',
  ].join('\n');
  const { host, agent } = await bootTestHost(lab(), 'al2-ecs', userData);
  try {
    expect(agent.launches[0]?.agentEnvironment).toMatchObject({
      ECS_CLUSTER: 'proxied',
      HTTP_PROXY: 'http://198.18.0.3:3128',
      NO_PROXY: '169.254.169.254,169.254.170.2,/var/run/docker.sock',
    });
    expect(agent.launches[0]?.agentEnvironment.DROPIN_ONLY).toBeUndefined();
    // ecs.service reads ecs.config as EnvironmentFile=, which overrides the drop-in's Environment=.
    expect(host.ecsInitEnvironment).toMatchObject({
      HTTP_PROXY: 'http://198.18.0.3:3128',
      DROPIN_ONLY: 'yes',
      ECS_CLUSTER: 'proxied',
    });
    // ECS_SKIP_LOCALHOST_TRAFFIC_FILTER in ecs-init's environment: no localhost filter rule.
    const input = await host.exec('iptables', ['-S', 'INPUT']);
    expect(input.stdout).not.toContain('127.0.0.0/8');
  } finally {
    await host.shutdown();
  }
});

test('AL1: ecs.override env reaches ecs-init; `stop ecs; start ecs` in user data restarts the agent', async () => {
  const userData = [
    '#!/bin/bash',
    "echo 'env ECS_SKIP_LOCALHOST_TRAFFIC_FILTER=true' > /etc/init/ecs.override",
    'echo ECS_CLUSTER=al1 >> /etc/ecs/ecs.config',
    'stop ecs',
    'start ecs',
  ].join('\n');
  const { host, agent } = await bootTestHost(lab(), 'al1-ecs', userData);
  try {
    expect(host.ecsInitEnvironment).toEqual({ ECS_SKIP_LOCALHOST_TRAFFIC_FILTER: 'true' });
    expect(agent.launches).toHaveLength(1);
    expect(agent.launches[0]?.agentEnvironment.ECS_CLUSTER).toBe('al1');
    expect((await host.exec('status', ['ecs'])).stdout).toMatch(/^ecs start\/running/);
  } finally {
    await host.shutdown();
  }
});

/** Plain AL2023 has no Docker: the documented install first (ECS developer guide). */
const INSTALL_DOCKER = 'dnf install -y docker\nsystemctl enable --now --no-block docker';

function dockerRunAgent(restart: string): string {
  return [
    'docker run --name ecs-agent \\',
    `  --detach=true --restart=${restart} \\`,
    '  --volume=/var/run:/var/run --volume=/var/log/ecs/:/log --volume=/var/lib/ecs/data:/data \\',
    '  --volume=/etc/ecs:/etc/ecs --net=host \\',
    '  --env-file=/etc/ecs/ecs.config \\',
    '  --env=ECS_LOGFILE=/log/ecs-agent.log --env=ECS_DATADIR=/data/ \\',
    '  --env=ECS_ENABLE_TASK_IAM_ROLE=true --env=ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true \\',
    '  public.ecr.aws/ecs/amazon-ecs-agent:v1.101.2',
  ].join('\n');
}

test('plain AMI: `docker run … amazon/amazon-ecs-agent` starts the agent with exactly the env it was given', async () => {
  const userData = [
    '#!/bin/bash',
    'mkdir -p /etc/ecs /var/log/ecs /var/lib/ecs/data',
    'echo ECS_CLUSTER=plain > /etc/ecs/ecs.config',
    INSTALL_DOCKER,
    dockerRunAgent('on-failure:10'),
  ].join('\n');
  const { host, agent } = await bootTestHost(lab(), 'al2023-plain', userData);
  try {
    expect(agent.launches).toHaveLength(1);
    expect(agent.launches[0]?.agentEnvironment).toEqual({
      ECS_CLUSTER: 'plain',
      ECS_LOGFILE: '/log/ecs-agent.log',
      ECS_DATADIR: '/data/',
      ECS_ENABLE_TASK_IAM_ROLE: 'true',
      ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'true',
    });
    // No ecs-init on a plain AMI: no rules unless the user data adds them.
    expect((await host.exec('iptables', ['-t', 'nat', '-S'])).stdout).not.toContain('169.254.170.2');
    // --restart=on-failure does not bring the container back after a reboot.
    await host.reboot();
    expect(agent.launches).toHaveLength(1);
    expect(host.agentRunning()).toBe(false);
  } finally {
    await host.shutdown();
  }
});

test('plain AMI: a --restart=always agent container comes back after a reboot', async () => {
  const userData = ['#!/bin/bash', 'mkdir -p /etc/ecs', 'echo ECS_CLUSTER=plain > /etc/ecs/ecs.config', INSTALL_DOCKER];
  const { host, agent } = await bootTestHost(lab(), 'al2023-plain', [...userData, dockerRunAgent('always')].join('\n'));
  try {
    await host.reboot();
    expect(agent.launches).toHaveLength(2);
    expect(agent.stops).toBe(1);
    expect(host.agentRunning()).toBe(true);
  } finally {
    await host.shutdown();
  }
});

test('plain AL2023: ecs needs the ecs-init package; enabling it starts the agent after user data', async () => {
  const userData = [
    '#!/bin/bash',
    'systemctl start ecs; echo "before install: $?"',
    'dnf install -y ecs-init',
    'mkdir -p /etc/ecs && echo ECS_CLUSTER=installed > /etc/ecs/ecs.config',
    'systemctl enable --now --no-block ecs.service; echo "enable: $?"',
  ].join('\n');
  const { host, agent } = await bootTestHost(lab(), 'al2023-plain', userData);
  try {
    const output = await host.userDataOutput();
    expect(output).toContain('Failed to start ecs.service: Unit ecs.service not found.');
    expect(output).toContain('before install: 5');
    expect(output).toContain('enable: 0');
    expect(agent.launches).toHaveLength(1);
    expect(agent.launches[0]?.agentEnvironment.ECS_CLUSTER).toBe('installed');
    expect((await host.exec('iptables', ['-t', 'nat', '-S'])).stdout).toContain('127.0.0.1:51679');
  } finally {
    await host.shutdown();
  }
});

test("user data cannot act on the machine: no apt-get, no reboot, read-only /usr, the machine's systemctl shadowed", async () => {
  const userData = [
    '#!/bin/bash',
    'apt-get install -y something; echo "apt-get: $?"',
    'reboot; echo "reboot: $?"',
    'touch /usr/lab-should-not-exist; echo "touch /usr: $?"',
    '/usr/bin/systemctl is-enabled ecs; echo "absolute systemctl: $?"',
    'sysctl -w kernel.pid_max=4194303; echo "kernel sysctl: $?"',
    'sysctl -w net.ipv4.ip_forward=1 >/dev/null; echo "net sysctl: $?"',
  ].join('\n');
  const { host } = await bootTestHost(lab(), 'al2-ecs', userData);
  try {
    const output = await host.userDataOutput();
    expect(output).toContain('apt-get: 127');
    expect(output).toContain('reboot: 1');
    expect(output).toMatch(/touch \/usr: [1-9]/);
    expect(output).toContain('enabled\nabsolute systemctl: 0');
    expect(output).toContain('kernel.pid_max is not per-instance');
    expect(output).toContain('net sysctl: 0');
    expect(existsSync('/usr/lab-should-not-exist')).toBe(false);
  } finally {
    await host.shutdown();
  }
});

test('MIME multipart: the boothook runs before docker on every boot, the script once, after docker', async () => {
  const boundary = '==BOUNDARY==';
  const userData = [
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    'MIME-Version: 1.0',
    '',
    `--${boundary}`,
    'Content-Type: text/cloud-boothook; charset="us-ascii"',
    '',
    '#cloud-boothook',
    '#!/bin/bash',
    'echo "boothook sees docker0: $(ip link show docker0 >/dev/null 2>&1 && echo yes || echo no)"',
    '',
    `--${boundary}`,
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    '',
    '#!/bin/bash',
    'echo "script sees docker0: $(ip link show docker0 >/dev/null 2>&1 && echo yes || echo no)"',
    '',
    `--${boundary}--`,
    '',
  ].join('\n');
  const { host } = await bootTestHost(lab(), 'al2023-ecs', userData);
  try {
    expect(await host.userDataOutput()).toBe('boothook sees docker0: no\nscript sees docker0: yes\n');
    await host.reboot();
    expect(await host.userDataOutput()).toBe(
      'boothook sees docker0: no\nscript sees docker0: yes\nboothook sees docker0: no\n',
    );
  } finally {
    await host.shutdown();
  }
});
