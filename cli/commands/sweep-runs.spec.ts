import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { expect, test } from '@playwright/test';
import { EXPIRES_TAG, IAM_PATH, RUN_TAG, runTags, type Tag } from '../../infra/aws/tags.ts';
import { harnessClientConfig } from '../../lab/index.ts';
import { withOwnLab } from '../../lab/testing/index.ts';
import { runCli } from '../../testing/run-cli.ts';

test.describe.configure({ timeout: 360_000 });

test('--older-than below the expiry window without --run or --dry-run exits 2 naming both, before touching anything', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-sweep-unsafe-'));
  try {
    // No lab is running here: the refusal comes before any backend is asked.
    const result = await runCli(['sweep', '--older-than', '0s'], { env: { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--run ID');
    expect(result.stderr).toContain('--dry-run');
    expect(result.stdout).toBe('');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("two runs in one lab: sweep deletes only the expired one; a colleague's live run and resources without a usable expiry stay", async () => {
  await withOwnLab({ prefix: 'etr-sweep-runs-' }, async ({ lab, labDir }) => {
    const config = harnessClientConfig(lab);
    const iam = new IAMClient(config);
    const ecs = new ECSClient(config);
    const logs = new CloudWatchLogsClient(config);
    const create = async (run: string, tags: Tag[]) => {
      await iam.send(
        new CreateRoleCommand({
          RoleName: `ecs-taskrole-${run}-execution`,
          Path: IAM_PATH,
          AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
          Tags: tags,
        }),
      );
      await ecs.send(
        new CreateClusterCommand({
          clusterName: `ecs-taskrole-${run}-cluster`,
          tags: tags.map((t) => ({ key: t.Key, value: t.Value })),
        }),
      );
      await logs.send(
        new CreateLogGroupCommand({
          logGroupName: `/ecs-taskrole/${run}`,
          tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
        }),
      );
    };
    await create('rexpired', runTags('rexpired', new Date(Date.now() - 24 * 3_600_000)));
    await create('rlive', runTags('rlive', new Date()));
    await create('rnoexpiry', [{ Key: RUN_TAG, Value: 'rnoexpiry' }]);
    await create('rgarbled', [
      { Key: RUN_TAG, Value: 'rgarbled' },
      { Key: EXPIRES_TAG, Value: 'tomorrow' },
    ]);
    // Another team's resources with the expired run's tags copied, under names that run never gives.
    const copied = runTags('rexpired', new Date(Date.now() - 24 * 3_600_000));
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'ecs-taskrole-rexpired-admin',
        Path: IAM_PATH,
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
        Tags: copied,
      }),
    );
    await ecs.send(
      new CreateClusterCommand({
        clusterName: 'ecs-taskrole-rexpired-prod',
        tags: copied.map((t) => ({ key: t.Key, value: t.Value })),
      }),
    );
    await logs.send(
      new CreateLogGroupCommand({
        logGroupName: '/ecs-taskrole/rexpired-prod',
        tags: Object.fromEntries(copied.map((t) => [t.Key, t.Value])),
      }),
    );
    const env = { ECS_TASKROLE_LAB_DIR: labDir };

    const sweep = await runCli(['sweep'], { env });
    expect(sweep.exitCode, sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain('deleted role ecs-taskrole-rexpired-execution (run rexpired)');
    expect(sweep.stdout).toContain('deleted cluster ecs-taskrole-rexpired-cluster (run rexpired)');
    expect(sweep.stdout).toContain('deleted log-group /ecs-taskrole/rexpired (run rexpired)');
    expect(sweep.stdout).toContain('3 resource(s) deleted');
    expect(sweep.stdout).not.toContain('run rlive');
    for (const line of [
      'role ecs-taskrole-rexpired-admin (run rexpired): its name is none that run rexpired gives a role',
      'cluster ecs-taskrole-rexpired-prod (run rexpired): its name is not ecs-taskrole-rexpired-cluster',
      'log-group /ecs-taskrole/rexpired-prod (run rexpired): its name is not /ecs-taskrole/rexpired',
    ])
      expect(sweep.stdout).toContain(`tagged but not ours: ${line}; left untouched`);
    await iam.send(new GetRoleCommand({ RoleName: 'ecs-taskrole-rexpired-admin' }));
    const { clusters: prod } = await ecs.send(
      new DescribeClustersCommand({ clusters: ['ecs-taskrole-rexpired-prod'] }),
    );
    expect(prod?.[0]?.status).toBe('ACTIVE');
    expect(sweep.stdout).toContain(
      'left alone role ecs-taskrole-rnoexpiry-execution (run rnoexpiry): its expiry tag is missing',
    );
    expect(sweep.stdout).toContain(
      'left alone role ecs-taskrole-rgarbled-execution (run rgarbled): its expiry tag is unparsable',
    );

    const exists = async (run: string) => {
      const role = await iam.send(new GetRoleCommand({ RoleName: `ecs-taskrole-${run}-execution` })).then(
        () => true,
        () => false,
      );
      const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: [`ecs-taskrole-${run}-cluster`] }));
      const cluster = (clusters ?? []).some((c) => c.status === 'ACTIVE');
      const { logGroups } = await logs.send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: `/ecs-taskrole/${run}` }),
      );
      return { role, cluster, logGroup: (logGroups ?? []).some((g) => g.logGroupName === `/ecs-taskrole/${run}`) };
    };
    expect(await exists('rexpired')).toEqual({ role: false, cluster: false, logGroup: false });
    for (const run of ['rlive', 'rnoexpiry', 'rgarbled'])
      expect(await exists(run)).toEqual({ role: true, cluster: true, logGroup: true });

    // The owner of the live run ends it by name; a second time finds nothing left and succeeds.
    const own = await runCli(['sweep', '--run', 'rlive'], { env });
    expect(own.exitCode, own.stderr).toBe(0);
    expect(own.stdout).toContain('3 resource(s) deleted');
    expect(await exists('rlive')).toEqual({ role: false, cluster: false, logGroup: false });
    const again = await runCli(['sweep', '--run', 'rlive'], { env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 resource(s) deleted');

    // A dry run with --older-than may look at live runs: it lists, deletes nothing.
    const look = await runCli(['sweep', '--older-than', '0s', '--dry-run'], { env });
    expect(look.exitCode, look.stderr).toBe(0);
    expect(look.stdout).toContain('0 resource(s) to delete');
    for (const client of [iam, ecs, logs]) client.destroy();
  });
});
