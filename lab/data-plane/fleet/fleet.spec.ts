import type { EC2Client } from '@aws-sdk/client-ec2';
import { expect, test } from '@playwright/test';
import { LAUNCH_ORDER_TAG_KEY } from '../../../core/harness-tags.ts';
import type { InstanceHandle } from '../host/host-spec.ts';
import { startFleet } from './fleet.ts';
import { REBOOTS_TAG_KEY } from './launched-instances.ts';

/**
 * A control plane's DescribeInstances for `ids` (listed in this order), each running, with its reboot
 * count and, when `launchOrder` has it, its launch order tag.
 */
function fakeEc2(ids: string[], reboots: Map<string, number>, launchOrder = new Map<string, number>()): EC2Client {
  const instance = (id: string) => ({
    InstanceId: id,
    State: { Name: 'running' },
    ImageId: 'ami-0lab',
    Tags: [
      { Key: REBOOTS_TAG_KEY, Value: String(reboots.get(id) ?? 0) },
      ...(launchOrder.has(id) ? [{ Key: LAUNCH_ORDER_TAG_KEY, Value: String(launchOrder.get(id)) }] : []),
    ],
  });
  return {
    send: async () => ({ Reservations: ids.map((id) => ({ Instances: [instance(id)] })) }),
  } as unknown as EC2Client;
}

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

test('at most maxConcurrentBoots boot at once, in launch order; a reboot under way holds up no boot', async () => {
  const ids = ['i-1', 'i-2', 'i-3', 'i-4'];
  const reboots = new Map<string, number>();
  const bootsDone = new Map(ids.map((id) => [id, deferred()]));
  const rebootDone = deferred();
  const started: string[] = [];
  const handle = { reboot: () => rebootDone.promise, shutdown: async () => {} } as unknown as InstanceHandle;
  const fleet = startFleet({
    ec2: fakeEc2(ids, reboots),
    pollIntervalMs: 20,
    maxConcurrentBoots: 2,
    log: () => {},
    boot: async (instance) => {
      started.push(instance.instanceId);
      await bootsDone.get(instance.instanceId)?.promise;
      return handle;
    },
  });
  try {
    await expect.poll(() => started).toEqual(['i-1', 'i-2']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started, 'two boots under way: the others wait').toEqual(['i-1', 'i-2']);
    bootsDone.get('i-1')?.resolve();
    await expect.poll(() => started).toEqual(['i-1', 'i-2', 'i-3']);

    // i-1 is rebooted and its reboot never ends: i-2's slot still goes to i-4 when i-2 has booted.
    reboots.set('i-1', 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    bootsDone.get('i-2')?.resolve();
    await expect.poll(() => started).toEqual(['i-1', 'i-2', 'i-3', 'i-4']);
  } finally {
    rebootDone.resolve();
    for (const done of bootsDone.values()) done.resolve();
    await fleet.stop();
  }
});

test('boot slots follow the launch order tag, not the order the control plane lists instances in', async () => {
  // Listed i-a, i-b, i-c, i-d (how RunInstances calls sent side by side happened to arrive); launched for
  // cells in the order i-c, i-a, i-d; i-b has no tag (launched by something else): it comes last.
  const launchOrder = new Map([
    ['i-c', 0],
    ['i-a', 1],
    ['i-d', 2],
  ]);
  const started: string[] = [];
  const fleet = startFleet({
    ec2: fakeEc2(['i-a', 'i-b', 'i-c', 'i-d'], new Map(), launchOrder),
    pollIntervalMs: 20,
    maxConcurrentBoots: 1,
    log: () => {},
    boot: async (instance) => {
      started.push(instance.instanceId);
      return { reboot: async () => {}, shutdown: async () => {} } as unknown as InstanceHandle;
    },
  });
  try {
    await expect.poll(() => started).toEqual(['i-c', 'i-a', 'i-d', 'i-b']);
  } finally {
    await fleet.stop();
  }
});
