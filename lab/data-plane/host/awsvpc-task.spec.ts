import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { attachAwsvpc, EcsBridge } from '../agent/tasks/awsvpc-network.ts';
import type { TaskEni } from '../contracts.ts';
import { type CommandResult, run } from '../network/commands.ts';
import { labSkipReason } from '../network/preflight.ts';
import { useLabNetwork } from '../testing/lab-network-fixture.ts';
import { BOTOCORE_ACCESS_KEY, bootTestHost, INSTANCE_ROLE, namedListener, probe } from '../testing/test-host.ts';
import type { InstanceHandle } from './host-spec.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

/**
 * An awsvpc task as EC2, ECS and the agent's CNI plugins build it: the ENI EC2 attached to the instance,
 * moved into the task's namespace, plus ecs-bridge to the instance. What reaches the credentials endpoint
 * and IMDS is decided by the routes in the task's namespace, the instance's iptables and the lab's IMDS.
 */
const IMDS = 'http://169.254.169.254';
const ENDPOINT = 'http://169.254.170.2/v2/credentials/probe';

const labNetwork = useLabNetwork();

interface AwsvpcTask {
  eni: TaskEni;
  exec(file: string, args: readonly string[]): Promise<CommandResult>;
  remove(): Promise<void>;
}

/** A process in a namespace of its own on the instance (the task's pause container), wired for awsvpc. */
async function startAwsvpcTask(host: InstanceHandle, blockImds: boolean): Promise<AwsvpcTask> {
  const holder = execa('ip', ['netns', 'exec', host.netns, 'unshare', '--net', '--', 'sleep', '300'], {
    reject: false,
  });
  const pid = holder.pid;
  if (pid === undefined || !host.attachTaskEni) throw new Error('no task process, or a host without ENIs');
  // ip netns exec and unshare each exec the next program: once it is sleep, the namespace is the task's.
  while ((await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() !== 'sleep') await sleep(10);
  const eni = await host.attachTaskEni();
  const bridge = new EcsBridge(host.netns);
  await attachAwsvpc(pid, { eni, blockImds, bridge, bridgeAddress: bridge.allocate() });
  return {
    eni,
    exec: (file, args) => run('nsenter', [`--target=${pid}`, '--net', '--', file, ...args], { allowFailure: true }),
    remove: async () => {
      holder.kill('SIGKILL');
      await holder;
      await host.detachTaskEni?.(eni.id);
    },
  };
}

test('an awsvpc task reaches 169.254.170.2 through ecs-bridge, and IMDS from its own ENI as its instance', async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2023-ecs', '');
  const agent = await namedListener(host.netns, '127.0.0.1', 51679, 'agent');
  const task = await startAwsvpcTask(host, false);
  try {
    expect(task.eni.address).not.toBe(host.privateIp);
    // The agent sees the task's ecs-bridge address: the instance's DNAT, no masquerading.
    const endpoint = await task.exec('curl', probe(ENDPOINT));
    expect(endpoint).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^agent 169\.254\.17[2-5]\.\d+$/) });
    // IMDS traffic leaves by the ENI, not through the instance, and IMDS answers the ENI as the instance.
    const route = await task.exec('ip', ['-4', 'route', 'get', '169.254.169.254']);
    expect(route.stdout).toContain(`dev eth0 src ${task.eni.address}`);
    const instanceId = await task.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`));
    expect(instanceId).toMatchObject({ exitCode: 0, stdout: host.instanceId });
    const botocore = await task.exec('env', BOTOCORE_ACCESS_KEY);
    expect(botocore.stdout.trim()).toBe(INSTANCE_ROLE.accessKeyId);
  } finally {
    await task.remove();
    await agent.close();
    await host.shutdown();
  }
});

test('with ECS_AWSVPC_BLOCK_IMDS the task cannot reach IMDS (blackhole route); the endpoint and the instance still can', async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2023-ecs', '');
  const agent = await namedListener(host.netns, '127.0.0.1', 51679, 'agent');
  const task = await startAwsvpcTask(host, true);
  try {
    const route = await task.exec('ip', ['-4', 'route', 'show', '169.254.169.254/32']);
    expect(route.stdout).toMatch(/^blackhole 169\.254\.169\.254/);
    const fromTask = await task.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`));
    expect(fromTask.exitCode).not.toBe(0);
    const botocore = await task.exec('env', BOTOCORE_ACCESS_KEY);
    expect(botocore.stdout.trim()).toBe('no credentials');
    expect((await task.exec('curl', probe(ENDPOINT))).exitCode).toBe(0);
    const fromHost = await host.exec('curl', probe(`${IMDS}/latest/meta-data/instance-id`));
    expect(fromHost).toMatchObject({ exitCode: 0, stdout: host.instanceId });
  } finally {
    await task.remove();
    await agent.close();
    await host.shutdown();
  }
});

test('a detached ENI is no longer answered by IMDS as the instance', async () => {
  const { host } = await bootTestHost(labNetwork(), 'al2023-ecs', '');
  const task = await startAwsvpcTask(host, false);
  const { address } = task.eni;
  await task.remove();
  try {
    // A namespace holding the old address on the subnet, the way the ENI's was wired, is a stranger now.
    // Named with the lab's prefix, so cleanupLab finds them should this test die half-way.
    const stranger = `${labNetwork().prefix}-stranger`;
    const link = `${labNetwork().prefix}-st`;
    await run('ip', ['netns', 'add', stranger]);
    try {
      await run('ip', ['link', 'add', link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', stranger]);
      await run('ip', ['link', 'set', link, 'master', labNetwork().names.bridge, 'up']);
      await run('ip', ['-n', stranger, 'addr', 'add', `${address}/${labNetwork().subnet.prefixLength}`, 'dev', 'eth0']);
      await run('ip', ['-n', stranger, 'link', 'set', 'eth0', 'up']);
      await run('ip', ['-n', stranger, 'route', 'add', '169.254.0.0/16', 'via', labNetwork().subnet.vpcRouter]);
      const answer = await run(
        'ip',
        ['netns', 'exec', stranger, 'curl', ...probe(`${IMDS}/latest/meta-data/instance-id`)],
        {
          allowFailure: true,
        },
      );
      expect(answer.stdout).toBe('lab IMDS: unknown source address');
    } finally {
      await run('ip', ['link', 'delete', link], { allowFailure: true });
      await run('ip', ['netns', 'delete', stranger], { allowFailure: true });
    }
  } finally {
    await host.shutdown();
  }
});
