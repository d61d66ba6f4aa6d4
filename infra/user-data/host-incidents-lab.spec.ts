/**
 * The harness's user data for the host incidents (`hostFirewall`, `afterBoot`, `imds: blocked-forward`) on
 * the lab's hosts: whether 169.254.170.2 reaches the agent's port and whether a bridge task reaches IMDS is
 * decided by the instance's real iptables rules, as that user data and the simulated services leave them.
 */
import { expect, test } from '@playwright/test';
import { DEFAULT_BASELINE, type Dimensions } from '../../core/matrix/dimensions.ts';
import { groupByInstance } from '../../core/matrix/instance-groups.ts';
import { labSkipReason } from '../../lab/index.ts';
import {
  bootTestHost,
  CURL_TIMEOUT,
  createBridgeTaskNamespace,
  namedListener,
  probe,
  useLabNetwork,
} from '../../lab/testing/index.ts';
import { userDataFor } from './user-data.ts';

test.describe.configure({ mode: 'serial', timeout: 240_000 });
test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');

const ENDPOINT = 'http://169.254.170.2/v2/credentials/probe';
const IMDS_INSTANCE_ID = 'http://169.254.169.254/latest/meta-data/instance-id';

const lab = useLabNetwork();

type Host = Awaited<ReturnType<typeof bootTestHost>>['host'];

async function bootWith(dimensions: Partial<Dimensions>): Promise<Host> {
  const [group] = groupByInstance([{ id: 'x', dimensions: { ...DEFAULT_BASELINE, ...dimensions } }]);
  if (!group) throw new Error('no instance group');
  const { host } = await bootTestHost(lab(), group.instance.ami, userDataFor(group, { cluster: 'c' }));
  return host;
}

/** curl's exit code and answer from a fresh bridge task and from the instance, a stand-in agent listening. */
async function probeFrom(host: Host, url: string) {
  const agent = await namedListener(host.netns, '127.0.0.1', 51679, 'agent');
  const task = await createBridgeTaskNamespace(host);
  try {
    return { task: await task.exec('curl', probe(url)), host: await host.exec('curl', probe(url)) };
  } finally {
    await task.remove();
    await agent.close();
  }
}

async function withHost(dimensions: Partial<Dimensions>, check: (host: Host) => Promise<void>): Promise<void> {
  const host = await bootWith(dimensions);
  try {
    await check(host);
  } finally {
    await host.shutdown();
  }
}

const lastForwardRule = async (host: Host) =>
  (await iptablesRules(host, 'filter'))
    .split('\n')
    .filter((line) => line.startsWith('-A FORWARD '))
    .at(-1);

/** How many times dockerd set up its network on the host (boot, then each restart), from its console. */
const dockerStarts = async (host: Host) =>
  (await host.consoleOutput()).split('\n').filter((line) => line.includes('docker0 and its iptables rules in place'))
    .length;

const iptablesRules = async (host: Host, table: string) => (await host.exec('iptables', ['-t', table, '-S'])).stdout;

for (const ami of ['al2023-ecs', 'al2023-plain'] as const) {
  test(`${ami}, hostFirewall input-drop: a bridge task's request is dropped after its DNAT, the host's is not`, async () => {
    await withHost({ ami, hostFirewall: 'input-drop' }, async (host) => {
      const reach = await probeFrom(host, ENDPOINT);
      expect(reach.task.exitCode).toBe(CURL_TIMEOUT);
      expect(reach.host).toMatchObject({ exitCode: 0, stdout: `agent ${host.privateIp}` });
      expect(await iptablesRules(host, 'filter')).toContain('-P INPUT DROP');
    });
  });
}

test('al2023-ecs, hostFirewall input-drop-agent-ports: the accept for 51679 lets bridge tasks through', async () => {
  await withHost({ hostFirewall: 'input-drop-agent-ports' }, async (host) => {
    const reach = await probeFrom(host, ENDPOINT);
    expect(reach.task).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^agent 198\.19\.0\.\d+$/) });
    expect(reach.host.exitCode).toBe(0);
  });
});

for (const ami of ['al2023-ecs', 'al2023-plain'] as const) {
  test(`${ami}, afterBoot rules-flushed: once flushed, neither a bridge task nor the host reaches the agent`, async () => {
    await withHost({ ami, afterBoot: 'rules-flushed' }, async (host) => {
      // On the ECS AMI a detached job waits for ecs-init's rule, then flushes: wait for the flush itself.
      await expect.poll(() => iptablesRules(host, 'nat'), { timeout: 60_000 }).not.toContain('169.254.170.2');
      const reach = await probeFrom(host, ENDPOINT);
      expect(reach.task.exitCode).toBe(CURL_TIMEOUT);
      expect(reach.host.exitCode).toBe(CURL_TIMEOUT);
    });
  });
}

test('imds blocked-forward: the FORWARD drop blocks a bridge task until dockerd restarts, then Docker accepts it first', async () => {
  await withHost({ imds: 'blocked-forward' }, async (host) => {
    expect((await probeFrom(host, IMDS_INSTANCE_ID)).task.exitCode).toBe(CURL_TIMEOUT);
  });
  await withHost({ imds: 'blocked-forward', afterBoot: 'docker-restarted' }, async (host) => {
    // The restart puts Docker's rules back on top: wait until the drop is the chain's last rule.
    await expect.poll(() => lastForwardRule(host), { timeout: 60_000 }).toContain('169.254.169.254');
    const reach = await probeFrom(host, IMDS_INSTANCE_ID);
    expect(reach.task).toMatchObject({ exitCode: 0, stdout: host.instanceId });
  });
});

test('imds blocked (DOCKER-USER) stays in force after dockerd restarts', async () => {
  await withHost({ imds: 'blocked', afterBoot: 'docker-restarted' }, async (host) => {
    await expect.poll(() => dockerStarts(host), { timeout: 60_000 }).toBe(2);
    expect((await probeFrom(host, IMDS_INSTANCE_ID)).task.exitCode).toBe(CURL_TIMEOUT);
  });
});

test("al2023-plain, agentInstall ecs-init-package without manual rules: the package's ecs-init adds its own", async () => {
  await withHost({ ami: 'al2023-plain', agentInstall: 'ecs-init-package', hostRules: 'none' }, async (host) => {
    const reach = await probeFrom(host, ENDPOINT);
    expect(reach.task).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^agent 198\.19\.0\.\d+$/) });
    expect(reach.host).toMatchObject({ exitCode: 0, stdout: `agent ${host.privateIp}` });
  });
});
