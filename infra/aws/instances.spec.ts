import { DescribeImagesCommand, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { expect, test } from '@playwright/test';
import { DEFAULT_BASELINE } from '../../core/matrix/dimensions.ts';
import { groupByInstance } from '../../core/matrix/instance-groups.ts';
import { startPlainMoto } from '../../lab/testing/index.ts';
import { createClients, destroyClients } from './clients.ts';
import { imdsLaunchRefusal, waitForRegistrations } from './instances.ts';

function groupWith(imdsOptions: typeof DEFAULT_BASELINE.imdsOptions) {
  const [group] = groupByInstance([{ id: 'c', dimensions: { ...DEFAULT_BASELINE, imdsOptions } }]);
  if (!group) throw new Error('no instance group');
  return group;
}

/** An EC2 client error as SDK v3 throws it. */
const ec2Error = (name: string, message: string, $fault = 'client') =>
  Object.assign(new Error(message), { name, $fault });

test('a v1 group refused by the account (IMDS enforcement, declarative policy, SCP) is a named cause', () => {
  const enforced = ec2Error('InvalidParameterValue', 'The account requires IMDSv2: HttpTokens must be required.');
  expect(imdsLaunchRefusal(groupWith('v1-hop1'), enforced)).toMatch(
    /^the account refused a launch with HttpTokens=optional \(v1-hop1\): InvalidParameterValue: The account requires IMDSv2/,
  );
  const scp = ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation. Encoded message: x');
  expect(imdsLaunchRefusal(groupWith('v1-hop2'), scp)).toContain('an SCP on ec2:MetadataHttpTokens');
});

test('other failures, and any failure of a v2 group, stay failures of the run', () => {
  const refusal = ec2Error('InvalidParameterValue', 'HttpTokens must be required');
  expect(imdsLaunchRefusal(groupWith('v2-hop2'), refusal)).toBeUndefined();
  expect(
    imdsLaunchRefusal(groupWith('v1-hop1'), ec2Error('InsufficientInstanceCapacity', 'no capacity')),
  ).toBeUndefined();
  expect(imdsLaunchRefusal(groupWith('v1-hop1'), ec2Error('InternalError', 'metadata', 'server'))).toBeUndefined();
  expect(imdsLaunchRefusal(groupWith('v1-hop1'), new Error('socket hang up'))).toBeUndefined();
});

test('a registration wait ends when its instance terminated: EC2 state and reason, not the deadline', async () => {
  const moto = await startPlainMoto();
  const clients = createClients({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    await clients.ecs.send(new CreateClusterCommand({ clusterName: 'ended' }));
    const image = (await clients.ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId;
    const launched = await clients.ec2.send(
      new RunInstancesCommand({ ImageId: image, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 }),
    );
    const instanceId = launched.Instances?.[0]?.InstanceId ?? '';
    await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));

    // An hour away, far past this test's own time limit: only the instance's end can settle the wait.
    const wait = await waitForRegistrations(clients, 'ended', [instanceId], {
      deadline: Date.now() + 3_600_000,
      pollMs: 200,
    });
    expect(wait.registered.size).toBe(0);
    expect(wait.ended.get(instanceId)).toBe(
      'EC2 shows the instance terminated (Client.UserInitiatedShutdown: User initiated shutdown)',
    );
  } finally {
    destroyClients(clients);
    await moto.stop();
  }
});
