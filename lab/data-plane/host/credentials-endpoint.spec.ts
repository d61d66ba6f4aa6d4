import { expect, test } from '@playwright/test';
import { labSkipReason } from '../network/preflight.ts';
import { useLabNetwork } from '../testing/lab-network-fixture.ts';
import { bootTestHost, CURL_TIMEOUT, namedListener, probe } from '../testing/test-host.ts';
import type { AmiProfileName } from './ami-profiles.ts';
import { createBridgeTaskNamespace } from './bridge-task.ts';
import type { InstanceHandle } from './host-spec.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

/**
 * Does 169.254.170.2:80 reach a listener on the instance's 127.0.0.1:51679 (the agent's credentials
 * endpoint)? Decided only by the instance's real iptables rules and sysctls.
 */
const ENDPOINT = 'http://169.254.170.2/v2/credentials/probe';

const labNetwork = useLabNetwork();

interface Reach {
  task: { exitCode: number; stdout: string };
  host: { exitCode: number; stdout: string };
}

/** Probes the endpoint from a fresh bridge task and from the instance, with a stand-in agent listening. */
async function reach(host: InstanceHandle): Promise<Reach> {
  const agent = await namedListener(host.netns, '127.0.0.1', 51679, 'agent');
  const task = await createBridgeTaskNamespace(host);
  try {
    const fromTask = await task.exec('curl', probe(ENDPOINT));
    const fromHost = await host.exec('curl', probe(ENDPOINT));
    return { task: fromTask, host: fromHost };
  } finally {
    await task.remove();
    await agent.close();
  }
}

const DOCUMENTED_RULES = `iptables -t nat -A PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679
iptables -t nat -A OUTPUT -d 169.254.170.2 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 51679`;
const ROUTE_LOCALNET = 'sysctl -w net.ipv4.conf.all.route_localnet=1';
/** Plain AL2023 has no Docker (so no docker0 for bridge tasks) until user data installs it. */
const INSTALL_DOCKER = 'dnf install -y docker\nsystemctl enable --now docker';

for (const profile of ['al2023-ecs', 'al2-ecs', 'al1-ecs'] as AmiProfileName[]) {
  test(`${profile}: ecs-init's rules bring 169.254.170.2:80 to 127.0.0.1:51679 for bridge tasks and the host`, async () => {
    const { host } = await bootTestHost(labNetwork(), profile, '');
    try {
      const result = await reach(host);
      expect(result.task).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^agent 198\.19\.0\.\d+$/) });
      expect(result.host).toMatchObject({ exitCode: 0, stdout: `agent ${host.privateIp}` });
    } finally {
      await host.shutdown();
    }
  });
}

test('plain AMI without rules: the endpoint is dropped (timeout, not refused) for bridge tasks and the host', async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2023-plain', `#!/bin/bash\n${INSTALL_DOCKER}\n`);
  try {
    const result = await reach(host);
    expect(result.task.exitCode).toBe(CURL_TIMEOUT);
    expect(result.host.exitCode).toBe(CURL_TIMEOUT);
  } finally {
    await host.shutdown();
  }
});

test('plain AMI, documented rules without route_localnet: bridge tasks fail, the host works', async () => {
  const { host } = await bootTestHost(
    labNetwork(),
    'al2023-plain',
    `#!/bin/bash\n${INSTALL_DOCKER}\n${DOCUMENTED_RULES}\n`,
  );
  try {
    const result = await reach(host);
    expect(result.task.exitCode).toBe(CURL_TIMEOUT);
    expect(result.host).toMatchObject({ exitCode: 0, stdout: `agent ${host.privateIp}` });
  } finally {
    await host.shutdown();
  }
});

test('plain AMI, documented rules with route_localnet: bridge tasks and the host reach the endpoint', async () => {
  const { host } = await bootTestHost(
    labNetwork(),
    'al2023-plain',
    `#!/bin/bash\n${INSTALL_DOCKER}\n${ROUTE_LOCALNET}\n${DOCUMENTED_RULES}\n`,
  );
  try {
    const result = await reach(host);
    expect(result.task.exitCode).toBe(0);
    expect(result.host.exitCode).toBe(0);
  } finally {
    await host.shutdown();
  }
});

test('reboot: rules user data added without saving are gone', async () => {
  const { host } = await bootTestHost(
    labNetwork(),
    'al2023-plain',
    `#!/bin/bash\n${INSTALL_DOCKER}\n${ROUTE_LOCALNET}\n${DOCUMENTED_RULES}\n`,
  );
  try {
    expect((await reach(host)).task.exitCode).toBe(0);
    await host.reboot();
    const nat = await host.exec('iptables', ['-t', 'nat', '-S']);
    expect(nat.stdout).not.toContain('169.254.170.2');
    const result = await reach(host);
    expect(result.task.exitCode).toBe(CURL_TIMEOUT);
    expect(result.host.exitCode).toBe(CURL_TIMEOUT);
  } finally {
    await host.shutdown();
  }
});

test('reboot: rules saved to /etc/sysconfig/iptables with the iptables service enabled survive', async () => {
  const userData = `#!/bin/bash
set -e
${INSTALL_DOCKER}
dnf install -y iptables-services
${ROUTE_LOCALNET}
echo 'net.ipv4.conf.all.route_localnet = 1' > /etc/sysctl.d/90-ecs-credentials.conf
${DOCUMENTED_RULES}
iptables-save | tee /etc/sysconfig/iptables
systemctl enable --now iptables
`;
  const { host } = await bootTestHost(labNetwork(), 'al2023-plain', userData);
  try {
    await host.reboot();
    const nat = await host.exec('iptables', ['-t', 'nat', '-S', 'PREROUTING']);
    expect(nat.stdout).toContain('--to-destination 127.0.0.1:51679');
    const result = await reach(host);
    expect(result.task.exitCode).toBe(0);
    expect(result.host.exitCode).toBe(0);
  } finally {
    await host.shutdown();
  }
});

test('AL1: `service iptables save` keeps a DOCKER-USER rule across reboot; ecs-init re-applies its own', async () => {
  const userData = `#!/bin/bash
iptables --insert DOCKER-USER 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP
service iptables save
`;
  const { host, agent } = await bootTestHost(labNetwork(), 'al1-ecs', userData);
  try {
    await host.reboot();
    const filter = await host.exec('iptables', ['-S', 'DOCKER-USER']);
    expect(filter.stdout).toContain('-A DOCKER-USER -d 169.254.169.254/32 -i docker+ -j DROP');
    const nat = await host.exec('iptables', ['-t', 'nat', '-S', 'PREROUTING']);
    expect(nat.stdout.match(/127\.0\.0\.1:51679/g)).toHaveLength(1);
    expect(agent.launches).toHaveLength(2);
    expect(agent.stops).toBe(1);
    expect((await reach(host)).task.exitCode).toBe(0);
  } finally {
    await host.shutdown();
  }
});

test('stopping ecs removes its rules and restores route_localnet; starting it again re-adds them', async () => {
  const { host, agent } = await bootTestHost(labNetwork(), 'al2023-ecs', '');
  try {
    expect((await host.exec('systemctl', ['stop', 'ecs'])).exitCode).toBe(0);
    expect(agent.running()).toBe(0);
    expect((await host.exec('iptables', ['-t', 'nat', '-S'])).stdout).not.toContain('169.254.170.2');
    expect((await host.exec('sysctl', ['-n', 'net.ipv4.conf.all.route_localnet'])).stdout.trim()).toBe('0');
    expect((await reach(host)).task.exitCode).toBe(CURL_TIMEOUT);
    expect((await host.exec('systemctl', ['start', 'ecs'])).exitCode).toBe(0);
    expect(agent.running()).toBe(1);
    expect((await reach(host)).task.exitCode).toBe(0);
  } finally {
    await host.shutdown();
  }
});
