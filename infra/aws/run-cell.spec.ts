/**
 * The harness's RunTask path when ECS refuses the task role: RunTask's own ClientException (AWS creates no
 * task) becomes the cell's evidence, and the classifier reads ROLE_NOT_ASSUMABLE from it. Driven against
 * the lab's control plane, which refuses the way AWS does (no data plane needed: nothing is placed).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { expect, test } from '@playwright/test';
import { classify } from '../../core/classify/classify.ts';
import type { CellEvidence } from '../../core/classify/evidence.ts';
import { loadMatrix } from '../../core/matrix/index.ts';
import { planMatrix } from '../../core/plan/plan.ts';
import { credentialsOf, harnessClientConfig, type LabState, labDown, labUp } from '../../lab/index.ts';
import { type AwsClients, createClients, destroyClients } from './clients.ts';
import { runCellTask } from './run-cell.ts';

test.describe.configure({ timeout: 180_000 });

const TAGS = [
  { key: 'ecs-taskrole:run', value: 'run-cell-spec' },
  { key: 'ecs-taskrole:expires', value: '2099-01-01T00:00:00Z' },
];

let dir: string;
let lab: LabState;
let clients: AwsClients;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-run-cell-'));
  ({ lab } = await labUp(dir));
  clients = createClients(harnessClientConfig(lab));
});

test.afterAll(async () => {
  if (clients) destroyClients(clients);
  if (dir) {
    await labDown(dir);
    await rm(dir, { recursive: true, force: true });
  }
});

test('trust=ec2: RunTask refuses, no task is started, the cell is ROLE_NOT_ASSUMABLE quoting the refusal', async () => {
  const plan = planMatrix(await loadMatrix());
  const cell = plan.cells.find((c) => c.dimensions.trust === 'ec2' && c.dimensions.taskRole === 'set');
  if (!cell) throw new Error('the default matrix has no trust=ec2 cell');
  const suffix = randomUUID().slice(0, 8);
  const cluster = `ecs-taskrole-${suffix}-cluster`;
  await clients.ecs.send(new CreateClusterCommand({ clusterName: cluster, tags: TAGS }));
  const role = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: `ecs-taskrole-${suffix}-task-ec2`,
      Path: '/ecs-taskrole/',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const taskRoleArn = role.Role?.Arn ?? '';

  const task = await runCellTask(
    clients,
    cell,
    {
      cluster,
      instanceId: 'i-0123456789abcdef0',
      definition: {
        family: `ecs-taskrole-${suffix}-cell`,
        cluster,
        region: lab.region,
        logGroup: `/ecs-taskrole/${suffix}`,
        taskRoleArn,
        tags: TAGS,
      },
    },
    AbortSignal.timeout(90_000),
  );

  const refusal = `ClientException: ECS was unable to assume the role '${taskRoleArn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`;
  expect(task).toMatchObject({ runTaskRefusal: refusal, logLines: [], failures: [] });
  expect(task.taskArn).toBeUndefined();
  const ecsService = createClients({
    region: lab.region,
    endpoint: lab.endpoint,
    credentials: credentialsOf(lab.identities.ecsService),
  });
  expect((await ecsService.ecs.send(new ListTasksCommand({ cluster }))).taskArns).toEqual([]);
  destroyClients(ecsService);

  const evidence: CellEvidence = { ...task, taskRoleArn, instanceRoleArn: 'arn:aws:iam::123456789012:role/x' };
  expect(classify(evidence)).toEqual({
    outcome: 'ROLE_NOT_ASSUMABLE',
    evidence: { decidedBy: `RunTask refused: ${refusal}` },
  });
});
