/**
 * What a run of the harness is allowed to own, by name: the exact names (and IAM path) it gives its
 * resources. The run tag alone proves nothing (anyone allowed to tag can copy it), so the sweep and the
 * teardown's safety net act on a tagged resource only when it also carries one of these names, and on an
 * instance only when it runs under one of the run's instance profiles.
 */
import { DIMENSIONS } from '../../core/matrix/dimensions.ts';
import { executionRoleName, instanceRoleName, taskRoleName } from './roles.ts';
import { IAM_PATH, resourceName } from './tags.ts';

export function clusterName(runId: string): string {
  return resourceName(runId, 'cluster');
}

export function logGroupName(runId: string): string {
  return `/ecs-taskrole/${runId}`;
}

/** The one task definition family of a run (every cell registers a revision of it). */
export function taskDefinitionFamily(runId: string): string {
  return resourceName(runId, 'cell');
}

/** Every instance profile a run may create: one per instanceRolePolicy and trust, named as its role. */
export function instanceProfileNames(runId: string): Set<string> {
  return new Set(
    DIMENSIONS.instanceRolePolicy.values.flatMap((policy) => [
      instanceRoleName(runId, policy),
      instanceRoleName(runId, `${policy}.trusts-ecs-tasks`),
    ]),
  );
}

/** Every role a run may create: task roles per trust and policy (passable or not), the execution role, the instance roles. */
export function roleNames(runId: string): Set<string> {
  const taskRoles = DIMENSIONS.trust.values.flatMap((trust) =>
    DIMENSIONS.taskRolePolicy.values.flatMap((policy) => [
      taskRoleName(runId, `${trust}.${policy}`),
      taskRoleName(runId, `${trust}.${policy}.unpassable`),
    ]),
  );
  return new Set([...taskRoles, executionRoleName(runId), ...instanceProfileNames(runId)]);
}

/** Why a tagged resource is not the run's (undefined when it is): the reason the sweep reports. */
export type NotOurs = string | undefined;

export function clusterNotOurs(name: string, runId: string): NotOurs {
  return name === clusterName(runId) ? undefined : `its name is not ${clusterName(runId)}`;
}

export function logGroupNotOurs(name: string, runId: string): NotOurs {
  return name === logGroupName(runId) ? undefined : `its name is not ${logGroupName(runId)}`;
}

/** `arn:…:task-definition/<family>:<revision>`. */
export function taskDefinitionNotOurs(arn: string, runId: string): NotOurs {
  const family = /:task-definition\/([^:]+):\d+$/.exec(arn)?.[1];
  return family === taskDefinitionFamily(runId) ? undefined : `its family is not ${taskDefinitionFamily(runId)}`;
}

export function iamNotOurs(
  kind: 'role' | 'instance-profile',
  resource: { name: string; path: string | undefined },
  runId: string,
): NotOurs {
  if (resource.path !== IAM_PATH) return `its path ${resource.path ?? '(none)'} is not ${IAM_PATH}`;
  const names = kind === 'role' ? roleNames(runId) : instanceProfileNames(runId);
  return names.has(resource.name) ? undefined : `its name is none that run ${runId} gives a ${kind}`;
}

const INSTANCE_PROFILE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):instance-profile(\/(?:[^/]+\/)*)([^/]+)$/;

/**
 * An instance is the run's only when it runs under one of the run's instance profiles: that profile's
 * ARN (path and name) in the instance's own account. Tags can be copied; an instance profile can be
 * attached only by someone allowed to pass the run's instance role.
 */
export function instanceNotOurs(
  instance: { IamInstanceProfile?: { Arn?: string } },
  account: string | undefined,
  runId: string,
): NotOurs {
  const arn = instance.IamInstanceProfile?.Arn;
  if (!arn) return 'it has no instance profile';
  const [, profileAccount, path, name] = INSTANCE_PROFILE_ARN.exec(arn) ?? [];
  if (!name) return `its instance profile ${arn} is not an instance profile ARN`;
  if (account !== undefined && profileAccount !== account) {
    return `its instance profile ${arn} is in another account`;
  }
  if (path !== IAM_PATH || !instanceProfileNames(runId).has(name)) {
    return `its instance profile ${arn} is not one that run ${runId} creates`;
  }
  return undefined;
}
