/**
 * `process: imds-metadata-reader` on the lab's hosts: the reader the task definition runs (python and node),
 * from a bridge task and from the instance, against the lab's IMDS with the instance's metadata options and
 * the harness's user data. What it gets comes from the mechanism — the token response's TTL and the hop
 * where the instance forwards to docker0, the DOCKER-USER drop — never from the rules.
 */
import { expect, test } from '@playwright/test';
import { DEFAULT_BASELINE, type Dimensions, metadataOptionsOf } from '../../core/matrix/dimensions.ts';
import { groupByInstance } from '../../core/matrix/instance-groups.ts';
import { imdsMetadataOf } from '../../core/results/imds-metadata.ts';
import { createLabNetwork, labSkipReason } from '../../lab/index.ts';
import { bootTestHost, createBridgeTaskNamespace } from '../../lab/testing/index.ts';
import { userDataFor } from '../user-data/user-data.ts';
import { imdsReaderStep } from './client-container.ts';

test.describe.configure({ mode: 'serial', timeout: 240_000 });
test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');

let lab: Awaited<ReturnType<typeof createLabNetwork>>;
test.beforeAll(async () => {
  lab = await createLabNetwork();
});
test.afterAll(async () => {
  await lab?.close();
});

type Host = Awaited<ReturnType<typeof bootTestHost>>['host'];

/** Boots the instance of a cell with these dimensions: its AMI, its user data, its metadata options. */
async function withHost(dimensions: Partial<Dimensions>, check: (host: Host) => Promise<void>): Promise<void> {
  const [group] = groupByInstance([{ id: 'x', dimensions: { ...DEFAULT_BASELINE, ...dimensions } }]);
  if (!group) throw new Error('no instance group');
  const options = metadataOptionsOf(group.instance.imdsOptions);
  const { host } = await bootTestHost(lab, group.instance.ami, userDataFor(group, { cluster: 'c' }), {
    imds: { httpTokens: options.httpTokens, httpPutResponseHopLimit: options.hopLimit },
  });
  try {
    await check(host);
  } finally {
    await host.shutdown();
  }
}

/** The reader's result from a fresh bridge task on the instance and from the instance itself. */
async function readFrom(host: Host, client: 'awscli-v2' | 'sdk-js-v3' = 'awscli-v2') {
  const step = imdsReaderStep(client);
  const task = await createBridgeTaskNamespace(host);
  try {
    const inTask = await task.exec('sh', ['-c', step]);
    const onHost = await host.exec('sh', ['-c', step]);
    return {
      task: imdsMetadataOf(inTask.stdout.split('\n')) ?? inTask.stderr,
      host: imdsMetadataOf(onHost.stdout.split('\n')) ?? onHost.stderr,
    };
  } finally {
    await task.remove();
  }
}

test('IMDS reachable, hop limit 2: a bridge task reads region and instance id with a token (python and node)', async () => {
  await withHost({}, async (host) => {
    const expected = { result: 'read', tokenRequest: 'obtained', region: 'us-east-1', instanceId: host.instanceId };
    expect((await readFrom(host)).task).toEqual(expected);
    expect((await readFrom(host, 'sdk-js-v3')).task).toEqual(expected);
  });
});

test('hop limit 1, tokens required: the token never reaches the bridge task, the token-less read gets 401; the host reads', async () => {
  await withHost({ imdsOptions: 'v2-hop1' }, async (host) => {
    const read = await readFrom(host);
    expect(read.task).toEqual({
      result: 'failed',
      tokenRequest: 'timed out',
      error: 'meta-data/placement/region: HTTP 401',
    });
    expect(read.host).toMatchObject({ result: 'read', tokenRequest: 'obtained', instanceId: host.instanceId });
  });
});

test('hop limit 1, tokens optional: the bridge task reads without a token (the IMDSv1 fallback)', async () => {
  await withHost({ imdsOptions: 'v1-hop1' }, async (host) => {
    expect((await readFrom(host)).task).toMatchObject({
      result: 'read',
      tokenRequest: 'timed out',
      instanceId: host.instanceId,
    });
  });
});

test('the documented DOCKER-USER drop: no answer for the bridge task (node too); the instance reads', async () => {
  await withHost({ imds: 'blocked' }, async (host) => {
    const read = await readFrom(host);
    expect(read.task).toEqual({
      result: 'failed',
      tokenRequest: 'timed out',
      error: 'meta-data/placement/region: timed out',
    });
    expect(read.host).toMatchObject({ result: 'read', tokenRequest: 'obtained' });
    expect((await readFrom(host, 'sdk-js-v3')).task).toMatchObject({ result: 'failed', tokenRequest: 'timed out' });
  });
});
