import { expect, test } from '@playwright/test';
import { run } from '../network/commands.ts';
import { createLabNetwork, type LabNetwork } from '../network/lab-network.ts';
import { labSkipReason } from '../network/preflight.ts';
import { createBridgeTaskNamespace } from './bridge-task.ts';
import { bootTestHost, probe } from './test-support.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

let lab: LabNetwork;
test.beforeAll(async () => {
  lab = await createLabNetwork();
});
test.afterAll(async () => {
  await lab?.close();
});

/** A bridge port with the lowest possible MAC: a bridge without a MAC of its own would take it over. */
const LOWEST_MAC = '00:00:00:00:00:01';

async function macOf(link: string, netns?: string): Promise<string> {
  const { stdout } = await run('ip', [...(netns ? ['-n', netns] : []), '-o', 'link', 'show', link]);
  return /link\/ether (\S+)/.exec(stdout)?.[1] ?? '';
}

test('a task keeps reaching IMDS after another task leaves docker0', async () => {
  const { host } = await bootTestHost(lab, 'al2023-ecs', '');
  const leaving = `${lab.prefix}-lv`;
  try {
    const bridgeMac = await macOf(host.taskBridge.name, host.netns);
    await run('ip', [
      '-n',
      host.netns,
      'link',
      'add',
      leaving,
      'address',
      LOWEST_MAC,
      'type',
      'veth',
      'peer',
      'name',
      `${leaving}p`,
    ]);
    await run('ip', ['-n', host.netns, 'link', 'set', leaving, 'master', host.taskBridge.name, 'up']);
    const task = await createBridgeTaskNamespace(host);
    try {
      // The task learns docker0's MAC while the low-MAC port is attached, then that port goes away.
      expect((await task.exec('curl', probe('http://169.254.169.254/latest/meta-data/instance-id'))).stdout).toBe(
        host.instanceId,
      );
      await run('ip', ['-n', host.netns, 'link', 'delete', leaving]);
      expect(await macOf(host.taskBridge.name, host.netns)).toBe(bridgeMac);
      const again = await task.exec('curl', probe('http://169.254.169.254/latest/meta-data/instance-id'));
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
  await run('ip', ['link', 'add', port, 'address', LOWEST_MAC, 'type', 'veth', 'peer', 'name', `${port}p`]);
  try {
    await run('ip', ['link', 'set', port, 'master', lab.names.bridge, 'up']);
    expect(await macOf(lab.names.bridge)).toBe(before);
  } finally {
    await run('ip', ['link', 'delete', port]);
  }
  expect(await macOf(lab.names.bridge)).toBe(before);
});
