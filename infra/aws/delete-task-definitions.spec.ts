/**
 * The teardown's deletion of the run's task definitions, against the lab's control plane (moto's
 * DeleteTaskDefinitions, IAM enforced with the harness policy): a revision still ACTIVE is deregistered
 * first, every revision of the run's family ends deleted (none left ACTIVE or INACTIVE, so none readable),
 * another family is left alone.
 */
import { ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { expect, test } from '@playwright/test';
import { labSkipReason } from '../../lab/index.ts';
import { controlPlaneLab } from '../../lab/testing/control-plane-lab.ts';
import { createClients } from './clients.ts';
import { deregisterTaskDefinition } from './delete.ts';
import { deleteRunTaskDefinitions } from './delete-task-definitions.ts';
import { sweepReport, sweepRun } from './sweep.ts';
import { resourceName } from './tags.ts';

test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
const lab = controlPlaneLab('etr-delete-taskdefs-');
const TAGS = [
  { key: 'ecs-taskrole:run', value: 'rdel1' },
  { key: 'ecs-taskrole:expires', value: '2099-01-01T00:00:00.000Z' },
];

test("the run's task definitions are deleted, not only deregistered; another family stays", async () => {
  const clients = createClients(lab.client(lab.state.identities.harness));
  const register = async (family: string) => {
    const answer = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'c', image: 'x', memory: 128, essential: true }],
        tags: TAGS,
      }),
    );
    return answer.taskDefinition?.taskDefinitionArn ?? '';
  };
  const family = resourceName('rdel1', 'cell');
  const first = await register(family);
  await register(family);
  const other = await register(resourceName('rother', 'cell'));
  await deregisterTaskDefinition(clients, first);
  const deleted = await deleteRunTaskDefinitions(clients, 'rdel1');
  expect(deleted).toHaveLength(2);
  for (const status of ['ACTIVE', 'INACTIVE'] as const) {
    const listed = await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status }));
    expect(listed.taskDefinitionArns, status).toEqual([]);
  }
  const others = await clients.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: resourceName('rother', 'cell') }),
  );
  expect(others.taskDefinitionArns).toEqual([other]);
});

test("sweep --run deletes a killed run's revisions its cells had already deregistered (a dry run keeps them)", async () => {
  const clients = createClients(lab.client(lab.state.identities.harness));
  const family = resourceName('rdel2', 'cell');
  const tags = [
    { key: 'ecs-taskrole:run', value: 'rdel2' },
    { key: 'ecs-taskrole:expires', value: '2099-01-01T00:00:00.000Z' },
  ];
  const arns: string[] = [];
  for (let i = 0; i < 2; i += 1) {
    const answer = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'c', image: 'x', memory: 128, essential: true }],
        tags,
      }),
    );
    arns.push(answer.taskDefinition?.taskDefinitionArn ?? '');
  }
  for (const arn of arns) await deregisterTaskDefinition(clients, arn);
  const inactive = async () =>
    (await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'INACTIVE' })))
      .taskDefinitionArns;
  await sweepReport(clients, { runId: 'rdel2', dryRun: true });
  expect(await inactive()).toEqual(arns);
  const report = await sweepRun(clients, 'rdel2');
  expect(report.failed).toEqual([]);
  expect(report.deleted).toEqual(arns.map((id) => ({ kind: 'task-definition', id, runId: 'rdel2' })));
  expect(await inactive()).toEqual([]);
});
