/**
 * Instances that expire by themselves, on the lab (its data plane honours both halves): past the run's
 * expiry the harness's user data shuts the instance down at once, and an instance-initiated shutdown ends
 * it as its InstanceInitiatedShutdownBehavior says (terminate, as the harness launches them; stop, EC2's
 * default). The computed delay before the expiry is user-data.spec.ts; the lab's scheduling power.spec.ts.
 */
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { expect, test } from '@playwright/test';
import { RUN_TAG_KEY } from '../../core/harness-tags.ts';
import { DEFAULT_BASELINE } from '../../core/matrix/dimensions.ts';
import { groupByInstance } from '../../core/matrix/instance-groups.ts';
import { harnessClientConfig, labSkipReason } from '../../lab/index.ts';
import { withOwnLab } from '../../lab/testing/index.ts';
import { AMI_PARAMETERS } from '../aws/amis.ts';
import { userDataFor } from './user-data.ts';

test.describe.configure({ timeout: 540_000 });

test("an instance past its run's expiry terminates itself; without the behaviour it only stops", async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const [group] = groupByInstance([{ id: 'baseline', dimensions: DEFAULT_BASELINE }]);
  if (!group) throw new Error('no instance group');
  await withOwnLab({ prefix: 'etr-expiry-', dataPlane: true }, async ({ lab }) => {
    const aws = harnessClientConfig(lab);
    const ec2 = new EC2Client(aws);
    const parameter = await new SSMClient(aws).send(new GetParameterCommand({ Name: AMI_PARAMETERS['al2023-ecs'] }));
    const launch = async (userData: string, behaviour?: 'terminate') => {
      const launched = await ec2.send(
        new RunInstancesCommand({
          ImageId: parameter.Parameter?.Value,
          MinCount: 1,
          MaxCount: 1,
          InstanceType: 't3.small',
          UserData: Buffer.from(userData).toString('base64'),
          ...(behaviour ? { InstanceInitiatedShutdownBehavior: behaviour } : {}),
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: RUN_TAG_KEY, Value: 'expiry-spec' }] }],
        }),
      );
      return launched.Instances?.[0]?.InstanceId ?? '';
    };
    const stateOf = async (id: string) =>
      (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]?.State
        ?.Name;

    const expired = userDataFor(group, { cluster: 'expiry-spec', expiresAt: new Date(Date.now() - 60_000) });
    const terminating = await launch(expired, 'terminate');
    const stopping = await launch('#!/bin/bash\nshutdown -h now\n');
    await expect.poll(() => stateOf(terminating), { timeout: 240_000 }).toBe('terminated');
    await expect.poll(() => stateOf(stopping), { timeout: 240_000 }).toBe('stopped');
    ec2.destroy();
  });
});
