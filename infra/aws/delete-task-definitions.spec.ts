/**
 * The teardown's deletion of the run's task definitions, against the lab's control plane (moto's
 * DeleteTaskDefinitions, IAM enforced with the harness policy): a revision still ACTIVE is deregistered
 * first, every revision of the run's family ends deleted (none left ACTIVE or INACTIVE, so none readable),
 * another family is left alone.
 */
import { ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { expect, test } from '@playwright/test';
import { labSkipReason } from '../lab/index.ts';
import { controlPlaneLab } from '../lab/testing/control-plane-lab.ts';
import { createClients } from './clients.ts';
import { deregisterTaskDefinition } from './delete.ts';
import { deleteRunTaskDefinitions } from './delete-task-definitions.ts';
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
