import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { expect, test } from '@playwright/test';
import { harnessClientConfig, type LabState, labDown, labUp } from '../../lab/index.ts';
import { runCli } from '../../testing/run-cli.ts';

test.describe.configure({ mode: 'serial', timeout: 300_000 });

let dir = '';
let lab: LabState;
test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-run-'));
  ({ lab } = await labUp(join(dir, 'lab')));
});
test.afterAll(async () => {
  await labDown(join(dir, 'lab'));
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ ECS_TASKROLE_LAB_DIR: join(dir, 'lab') });

test('a bad matrix: exit 2, the file and field named, nothing provisioned on the control plane', async () => {
  const matrix = join(dir, 'bad.yaml');
  await writeFile(matrix, 'name: bad\nvary:\n  network: [bridge, none]\n');
  const result = await runCli(['run', '--matrix', matrix, '--out', join(dir, 'out')], { env: env() });
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain(matrix);
  expect(result.stderr).toContain('vary.network');
  expect(result.stderr).toContain('bridge, host');

  const aws = harnessClientConfig(lab);
  expect((await new ECSClient(aws).send(new ListClustersCommand({}))).clusterArns).toEqual([]);
  expect((await new IAMClient(aws).send(new ListRolesCommand({ PathPrefix: '/ecs-taskrole/' }))).Roles).toEqual([]);
  const reservations = (await new EC2Client(aws).send(new DescribeInstancesCommand({}))).Reservations ?? [];
  expect(reservations).toEqual([]);
});

test('a --grep that is not a regular expression: exit 2 before anything starts', async () => {
  const result = await runCli(['run', '--grep', '(unclosed', '--out', join(dir, 'out')], { env: env() });
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain('not a regular expression');
});

test('--workers that is not a whole number from 1 to 100: exit 2 naming what is accepted', async () => {
  for (const workers of ['0', '50%', '101']) {
    const result = await runCli(['run', '--workers', workers, '--out', join(dir, 'out')], { env: env() });
    expect(result.exitCode, workers).toBe(2);
    expect(result.stderr).toContain('expected a whole number of workers from 1 to 100');
  }
});
