import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';
import type { TaskEni } from '../contracts.ts';
import { type CniCall, createCniStandIn, taskPid } from './cni-stand-in.ts';

/**
 * The data plane's side of the lab's CNI plugins, on the paths that need no namespace: what it refuses (as CNI
 * errors the agent reports) and that EC2 takes back an ENI whose move failed. A task's real ADD and DEL run
 * under `run --lab-agent real` (docs/lab-differences.md, "Real agent").
 */

/** An instance whose namespace does not exist: every `ip` in it fails, as a vanished instance's would. */
function fakeHost() {
  const attached: string[] = [];
  const detached: string[] = [];
  const host = {
    netns: 'etr-cni-spec-absent',
    async attachTaskEni(): Promise<TaskEni> {
      const id = `eni-${attached.length + 1}`;
      attached.push(id);
      return { id, device: 'etrcnispec0', address: '198.18.250.5', prefixLength: 24, vpcRouter: '198.18.250.1' };
    },
    async detachTaskEni(id: string) {
      detached.push(id);
    },
  };
  return { host, attached, detached };
}

const vpcEniConfig = JSON.stringify({
  type: 'vpc-eni',
  cniVersion: '0.3.0',
  eniMACAddress: '0a:1b:2c:3d:4e:5f',
  eniIPAddresses: ['10.0.0.5/24'],
  gatewayIPAddresses: ['10.0.0.1'],
  blockInstanceMetadata: false,
});

function call(overrides: Partial<CniCall>): CniCall {
  return {
    plugin: 'vpc-eni',
    command: 'ADD',
    containerId: 'c0ffee',
    netns: '/host/proc/4242/ns/net',
    ifName: 'eth0',
    config: vpcEniConfig,
    ...overrides,
  };
}

const cniError = (stdout: string) => JSON.parse(stdout) as { code: number; msg: string };

test("the task's PID comes from the agent's /host/proc/<pid>/ns/net, nothing else", () => {
  expect(taskPid('/host/proc/4242/ns/net')).toBe(4242);
  for (const netns of ['none', '/proc/1/ns/net', '/host/proc/0/ns/net', '/host/proc/1/ns/net/../x', '']) {
    expect(() => taskPid(netns)).toThrow(/CNI_NETNS/);
  }
});

test('what the stand-in does not serve is a CNI error naming it: App Mesh, unknown plugins, a bad call', async () => {
  const { host, attached } = fakeHost();
  const standIn = createCniStandIn(host);
  for (const [plugin, command] of [
    ['aws-appmesh', 'ADD'],
    ['vpc-branch-eni', 'ADD'],
    ['vpc-eni', 'CHECK'],
  ] as const) {
    const answer = await standIn.handle(call({ plugin, command }));
    expect(answer.exitCode).toBe(1);
    expect(cniError(answer.stdout)).toMatchObject({
      code: 4,
      msg: `lab: ${plugin} ${command} is not part of the lab's CNI stand-in`,
    });
  }
  const badNetns = await standIn.handle(call({ netns: 'none' }));
  expect(cniError(badNetns.stdout).code).toBe(4);
  const noMac = await standIn.handle(call({ config: JSON.stringify({ cniVersion: '0.3.0' }) }));
  expect(cniError(noMac.stdout)).toMatchObject({ code: 7, msg: expect.stringContaining('eniMACAddress') });
  const notJson = await standIn.handle(call({ config: '{' }));
  expect(cniError(notJson.stdout).code).toBe(7);
  const otherBridge = await standIn.handle(
    call({ plugin: 'ecs-bridge', config: JSON.stringify({ cniVersion: '0.3.0', bridge: 'docker0' }) }),
  );
  expect(cniError(otherBridge.stdout).code).toBe(7);
  // None of these reached EC2.
  expect(attached).toEqual([]);
});

test("a CNI_NETNS in the machine's network namespace is refused before any ENI is attached", async () => {
  const { host, attached } = fakeHost();
  const standIn = createCniStandIn(host);
  for (const pid of [1, process.pid]) {
    const answer = await standIn.handle(call({ netns: `/host/proc/${pid}/ns/net` }));
    expect(cniError(answer.stdout)).toMatchObject({ code: 4, msg: expect.stringContaining("not a task's own") });
  }
  expect(attached).toEqual([]);
});

test('an ADD whose move fails gives the ENI back to EC2; a DEL of what was never added succeeds', async () => {
  test.skip(process.getuid?.() !== 0, 'a task namespace of its own needs root (unshare --net)');
  // A process in a network namespace of its own, as a task's pause container is.
  const task = spawn('unshare', ['--net', 'sleep', '60'], { stdio: 'ignore' });
  test.info().setTimeout(60_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { host, attached, detached } = fakeHost();
  const standIn = createCniStandIn(host);
  const answer = await standIn.handle(call({ netns: `/host/proc/${task.pid}/ns/net` })).finally(() => task.kill());
  expect(answer.exitCode).toBe(1);
  expect(cniError(answer.stdout).code).toBe(999);
  expect(attached).toEqual(['eni-1']);
  expect(detached).toEqual(['eni-1']);
  for (const plugin of ['vpc-eni', 'ecs-bridge', 'ecs-ipam']) {
    expect(await standIn.handle(call({ plugin, command: 'DEL', netns: 'none' }))).toEqual({ exitCode: 0, stdout: '' });
  }
  await standIn.detachAll();
  expect(detached).toEqual(['eni-1']);
});
