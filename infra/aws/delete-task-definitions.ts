/**
 * The run's task definitions deleted, not only deregistered: a deregistered (INACTIVE) revision stays
 * readable with ecs:DescribeTaskDefinition for ever, environment included. Every revision of the run's one
 * family (`ecs-taskrole-<run>-cell`; ListTaskDefinitions' familyPrefix is a whole family name) still ACTIVE
 * is deregistered, then all are deleted with DeleteTaskDefinitions (at most 10 per call, ECS API reference).
 */
import { DeleteTaskDefinitionsCommand, paginateListTaskDefinitions } from '@aws-sdk/client-ecs';
import type { AwsClients } from './clients.ts';
import { deregisterTaskDefinition } from './delete.ts';
import { taskDefinitionFamily } from './harness-names.ts';

const DELETE_BATCH = 10;

export async function deleteRunTaskDefinitions(clients: AwsClients, runId: string): Promise<string[]> {
  const familyPrefix = taskDefinitionFamily(runId);
  const list = async (status: 'ACTIVE' | 'INACTIVE') => {
    const arns: string[] = [];
    for await (const page of paginateListTaskDefinitions({ client: clients.ecs }, { familyPrefix, status })) {
      arns.push(...(page.taskDefinitionArns ?? []));
    }
    return arns;
  };
  const active = await list('ACTIVE');
  for (const arn of active) await deregisterTaskDefinition(clients, arn);
  const inactive = [...new Set([...active, ...(await list('INACTIVE'))])];
  const deleted: string[] = [];
  const failures: string[] = [];
  for (let at = 0; at < inactive.length; at += DELETE_BATCH) {
    const batch = inactive.slice(at, at + DELETE_BATCH);
    const answer = await clients.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: batch }));
    deleted.push(...(answer.taskDefinitions ?? []).map((definition) => definition.taskDefinitionArn ?? ''));
    failures.push(...(answer.failures ?? []).map((failure) => `${failure.arn ?? '?'}: ${failure.reason ?? '?'}`));
  }
  if (failures.length > 0) throw new Error(`task definitions not deleted: ${failures.join('; ')}`);
  return deleted;
}
