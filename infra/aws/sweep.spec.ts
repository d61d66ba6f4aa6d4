import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { expect, test } from '@playwright/test';
import { harnessClientConfig, labDown, labUp } from '../../lab/index.ts';
import { createClients, destroyClients } from './clients.ts';
import { clusterName, logGroupName, taskDefinitionFamily } from './harness-names.ts';
import { REQUEST_LOG_ENV } from './request-log.ts';
import { instanceRoleName } from './roles.ts';
import { sweepReport, sweepRun } from './sweep.ts';
import { IAM_PATH, runTags } from './tags.ts';

test.describe.configure({ timeout: 360_000 });

const COUNT = 5;

test('every listing is paginated: with pages of 2, all 5 of each kind are found, deleted and read back as gone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-sweep-pages-'));
  const labDir = join(dir, 'lab');
  const log = join(dir, 'requests.jsonl');
  const previous = process.env[REQUEST_LOG_ENV];
  try {
    const { lab } = await labUp(labDir);
    process.env[REQUEST_LOG_ENV] = log;
    const clients = createClients(harnessClientConfig(lab));
    for (let i = 0; i < COUNT; i += 1) {
      // One run per index: a run has one cluster, one log group and one task definition family.
      const run = `rpages${i}`;
      const tags = runTags(run, new Date(Date.now() - 24 * 3_600_000));
      const ecsTags = tags.map((t) => ({ key: t.Key, value: t.Value }));
      const name = instanceRoleName(run, 'minimal');
      await clients.iam.send(
        new CreateRoleCommand({
          RoleName: name,
          Path: IAM_PATH,
          AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
          Tags: tags,
        }),
      );
      await clients.iam.send(
        new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: IAM_PATH, Tags: tags }),
      );
      await clients.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
      await clients.ecs.send(new CreateClusterCommand({ clusterName: clusterName(run), tags: ecsTags }));
      await clients.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: taskDefinitionFamily(run),
          containerDefinitions: [{ name: 'c', image: 'amazonlinux', memory: 128 }],
          tags: ecsTags,
        }),
      );
      await clients.logs.send(
        new CreateLogGroupCommand({
          logGroupName: logGroupName(run),
          tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
        }),
      );
    }

    const report = await sweepReport(clients, { dryRun: false, pageSize: 2 });
    expect(report.failed).toEqual([]);
    const kinds = ['role', 'instance-profile', 'cluster', 'task-definition', 'log-group'] as const;
    for (const kind of kinds)
      expect(
        report.deleted.filter((r) => r.kind === kind),
        kind,
      ).toHaveLength(COUNT);

    // More than one page was asked for, for each listing moto pages (ListClusters, ListInstanceProfiles and
    // ListTaskDefinitions it answers in one).
    const calls = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { operation: string });
    const count = (operation: string) => calls.filter((call) => call.operation === operation).length;
    for (const operation of ['ListRoles', 'DescribeLogGroups']) {
      expect(count(operation), operation).toBeGreaterThanOrEqual(3);
    }

    // Idempotent: the run is gone, a rerun by id finds nothing and fails nothing.
    const empty = { deleted: [], unknownExpiry: [], notOurs: [], failed: [] };
    expect(await sweepRun(clients, 'rpages0', { pageSize: 2 })).toEqual(empty);
    expect(await sweepReport(clients, { dryRun: false, pageSize: 2 })).toEqual(empty);
    destroyClients(clients);
  } finally {
    if (previous === undefined) delete process.env[REQUEST_LOG_ENV];
    else process.env[REQUEST_LOG_ENV] = previous;
    await labDown(labDir);
    await rm(dir, { recursive: true, force: true });
  }
});
