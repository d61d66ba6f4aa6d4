/**
 * AMI profiles as package sets: a plain AL2023 instance has no Docker and no iptables service until user
 * data installs them, a unit that is not enabled does not start at boot, and dnf knows only its catalog.
 * Each test fails on the lab's old leniency (docker and its daemon everywhere, any package name accepted).
 */
import { expect, test } from '@playwright/test';
import { labSkipReason } from '../network/preflight.ts';
import { useLabNetwork } from '../testing/lab-network-fixture.ts';
import { bootTestHost } from '../testing/test-host.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

const lab = useLabNetwork();

const AGENT_CONTAINER = [
  'mkdir -p /etc/ecs && echo ECS_CLUSTER=plain > /etc/ecs/ecs.config',
  'docker run --name ecs-agent --detach=true --restart=always --env-file=/etc/ecs/ecs.config --net=host public.ecr.aws/ecs/amazon-ecs-agent:v1.101.2',
  'echo "docker run: $?"',
];

const CREDENTIAL_RULE =
  'iptables -t nat -A PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679';

test('plain AL2023 without the docker install: "docker: command not found", no agent', async () => {
  const { host, agent } = await bootTestHost(lab(), 'al2023-plain', ['#!/bin/bash', ...AGENT_CONTAINER].join('\n'));
  try {
    const output = await host.userDataOutput();
    expect(output).toContain('docker: command not found');
    expect(output).toContain('docker run: 127');
    expect(agent.launches).toHaveLength(0);
    // No dockerd, so no docker0 either.
    expect((await host.exec('ip', ['link', 'show', 'docker0'])).exitCode).not.toBe(0);
  } finally {
    await host.shutdown();
  }
});

test('plain AL2023: docker installed but not started cannot reach its daemon; started, the agent runs', async () => {
  const userData = ['#!/bin/bash', 'dnf install -y docker', ...AGENT_CONTAINER, 'systemctl enable --now docker'];
  const { host, agent } = await bootTestHost(
    lab(),
    'al2023-plain',
    [...userData, AGENT_CONTAINER[1], 'echo "after start: $?"'].join('\n'),
  );
  try {
    const output = await host.userDataOutput();
    expect(output).toContain('Cannot connect to the Docker daemon at unix:///var/run/docker.sock');
    expect(output).toContain('docker run: 125');
    expect(output).toContain('after start: 0');
    expect(agent.launches).toHaveLength(1);
    // Enabled: dockerd starts at the next boot and brings the --restart=always agent back.
    await host.reboot();
    expect(agent.launches).toHaveLength(2);
  } finally {
    await host.shutdown();
  }
});

test('docker installed but never enabled does not start at boot: after a reboot no agent comes back', async () => {
  const userData = ['#!/bin/bash', 'dnf install -y docker', 'systemctl start docker', ...AGENT_CONTAINER];
  const { host, agent } = await bootTestHost(lab(), 'al2023-plain', userData.join('\n'));
  try {
    expect(agent.launches).toHaveLength(1);
    await host.reboot();
    expect(agent.launches).toHaveLength(1);
    expect(host.agentRunning()).toBe(false);
  } finally {
    await host.shutdown();
  }
});

test('saved rules come back at boot only through an enabled iptables service', async () => {
  for (const install of ['', 'dnf install -y iptables-services']) {
    // No iptables-services: its unit does not exist; installed but not enabled: it does not run at boot.
    const userData = ['#!/bin/bash', install, CREDENTIAL_RULE, 'iptables-save > /etc/sysconfig/iptables'];
    const { host } = await bootTestHost(lab(), 'al2023-plain', userData.join('\n'));
    try {
      expect((await host.exec('iptables', ['-t', 'nat', '-S', 'PREROUTING'])).stdout).toContain('127.0.0.1:51679');
      await host.reboot();
      expect((await host.exec('iptables', ['-t', 'nat', '-S', 'PREROUTING'])).stdout).not.toContain('127.0.0.1:51679');
    } finally {
      await host.shutdown();
    }
  }
});

test('dnf knows its catalog: an unknown package fails as dnf does and installs nothing', async () => {
  const userData = ['#!/bin/bash', 'dnf install -y docker no-such-package; echo "dnf: $?"', 'docker ps; echo "ps: $?"'];
  const { host } = await bootTestHost(lab(), 'al2023-plain', userData.join('\n'));
  try {
    const output = await host.userDataOutput();
    expect(output).toContain('No match for argument: no-such-package');
    expect(output).toContain('Error: Unable to find a match: no-such-package');
    expect(output).toContain('dnf: 1');
    expect(output).toContain('ps: 127');
  } finally {
    await host.shutdown();
  }
});
