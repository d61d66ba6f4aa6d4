import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Dimensions } from '../../core/matrix/dimensions.ts';
import type { PlannedCell } from '../../core/plan/plan.ts';
import type { AwsClients } from './clients.ts';
import { boundaryArn } from './harness-policy.ts';
import { IAM_PATH, resourceName, type Tag } from './tags.ts';

/** The managed policy of ECS container instances: registration, logs, ECR; no ecs:ListTasks. */
export const ECS_INSTANCE_MANAGED_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';
const LIST_TASKS_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ecs:ListTasks', Resource: '*' }],
});

/**
 * What an execution role needs for the agent's own work: the awslogs actions of the managed
 * AmazonECSTaskExecutionRolePolicy, inline so the harness policy need not attach another managed policy.
 * No ECR pull: the cells' images are public, and the boundary allows no ECR action.
 */
const EXECUTION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
});

/**
 * One task role per trust and policy; `.unpassable` for `passRole: not-allowed` cells: the same role under a
 * name outside the harness policy's iam:PassRole resources (`ecs-taskrole-*-task-*`), which the harness may
 * create (`ecs-taskrole-*`) but not pass, so RunTask is refused for lack of iam:PassRole on AWS as in the lab.
 */
export type TaskRoleVariant =
  | `${Dimensions['trust']}.${Dimensions['taskRolePolicy']}`
  | `${Dimensions['trust']}.${Dimensions['taskRolePolicy']}.unpassable`;

export function taskRoleVariant(cell: PlannedCell): TaskRoleVariant | undefined {
  const d = cell.dimensions;
  if (d.taskRole !== 'set') return undefined;
  return d.passRole === 'not-allowed' ? `${d.trust}.${d.taskRolePolicy}.unpassable` : `${d.trust}.${d.taskRolePolicy}`;
}

/** The trust policies of the `trust` dimension (Developer Guide, task-iam-roles.md). */
export function trustPolicy(trust: Dimensions['trust'], account: string, region: string): string {
  const service = trust === 'ec2' ? 'ec2.amazonaws.com' : 'ecs-tasks.amazonaws.com';
  const condition =
    trust === 'ecs-tasks-source-account'
      ? {
          Condition: {
            ArnLike: { 'aws:SourceArn': `arn:aws:ecs:${region}:${account}:*` },
            StringEquals: { 'aws:SourceAccount': account },
          },
        }
      : {};
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...condition }],
  });
}

/** The variants of task role the cells use. */
export function taskRoleVariants(cells: readonly PlannedCell[]): TaskRoleVariant[] {
  return [...new Set(cells.map(taskRoleVariant).filter((v): v is TaskRoleVariant => v !== undefined))];
}

/** Role names are known before anything is created, so the run journal can record them first. */
export function taskRoleName(runId: string, variant: TaskRoleVariant): string {
  const [trust, policy, unpassable] = variant.split('.');
  return resourceName(runId, `${unpassable ? 'unpassable' : 'task'}-${trust}-${policy}`);
}

/**
 * One instance role per `instanceRolePolicy`, and `.trusts-ecs-tasks` for `instanceRoleTrust: ecs-tasks`: the
 * same role whose trust policy names ecs-tasks.amazonaws.com instead of EC2.
 */
export type InstanceRoleVariant =
  | Dimensions['instanceRolePolicy']
  | `${Dimensions['instanceRolePolicy']}.trusts-ecs-tasks`;

export function instanceRoleVariant(
  instance: Pick<Dimensions, 'instanceRolePolicy' | 'instanceRoleTrust'>,
): InstanceRoleVariant {
  return instance.instanceRoleTrust === 'ecs-tasks'
    ? `${instance.instanceRolePolicy}.trusts-ecs-tasks`
    : instance.instanceRolePolicy;
}

/** Also the name of the instance profile that carries the role. */
export function instanceRoleName(runId: string, variant: InstanceRoleVariant): string {
  return resourceName(runId, `instance-${variant.replace('.', '-')}`);
}

/** Creates a task role per variant the cells use; returns their ARNs by variant. */
export async function createTaskRoles(
  clients: AwsClients,
  cells: readonly PlannedCell[],
  context: { runId: string; account: string; region: string; tags: Tag[] },
): Promise<Partial<Record<TaskRoleVariant, string>>> {
  const variants = taskRoleVariants(cells);
  const arns = await Promise.all(
    variants.map(async (variant) => {
      const [trust, policy] = variant.split('.') as [Dimensions['trust'], Dimensions['taskRolePolicy'], string?];
      const name = taskRoleName(context.runId, variant);
      const arn = await createBoundedRole(
        clients,
        name,
        trustPolicy(trust, context.account, context.region),
        context,
        policy === 'list-tasks' ? { 'list-tasks': LIST_TASKS_POLICY } : {},
      );
      return [variant, arn] as const;
    }),
  );
  return Object.fromEntries(arns);
}

/** Cells whose task definition carries an execution role (the one with the application's permission). */
export function needsExecutionRole(cells: readonly PlannedCell[]): boolean {
  return cells.some((cell) => cell.dimensions.taskRolePolicy === 'on-execution-role');
}

export function executionRoleName(runId: string): string {
  return resourceName(runId, 'execution');
}

/**
 * The execution role of `taskRolePolicy: on-execution-role`: trusts ecs-tasks, may log, and
 * also holds ecs:ListTasks — the classic mix-up. ECS gives it to the agent, never to the task.
 */
export async function createExecutionRole(
  clients: AwsClients,
  context: { runId: string; account: string; tags: Tag[] },
): Promise<string> {
  return createBoundedRole(
    clients,
    executionRoleName(context.runId),
    trustPolicy('ecs-tasks', context.account, ''),
    context,
    { execution: EXECUTION_POLICY, 'list-tasks': LIST_TASKS_POLICY },
  );
}

export interface InstanceRole {
  roleArn: string;
  roleName: string;
  instanceProfileName: string;
}

/** The instance role + profile for one `instanceRolePolicy`: always enough to register with ECS. */
export async function createInstanceRole(
  clients: AwsClients,
  variant: InstanceRoleVariant,
  context: { runId: string; tags: Tag[]; account?: string },
): Promise<InstanceRole> {
  const account = context.account ?? (await accountOf(clients));
  const roleName = instanceRoleName(context.runId, variant);
  const [policy, trust] = variant.split('.') as [Dimensions['instanceRolePolicy'], string?];
  const roleArn = await createBoundedRole(
    clients,
    roleName,
    trustPolicy(trust ? 'ecs-tasks' : 'ec2', '', ''),
    { account, tags: context.tags },
    policy === 'list-tasks' ? { 'list-tasks': LIST_TASKS_POLICY } : {},
  );
  await clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: ECS_INSTANCE_MANAGED_POLICY }));
  await clients.iam.send(
    new CreateInstanceProfileCommand({ InstanceProfileName: roleName, Path: IAM_PATH, Tags: context.tags }),
  );
  await clients.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: roleName, RoleName: roleName }));
  return { roleArn, roleName, instanceProfileName: roleName };
}

/**
 * A role of the run under the harness's path, with its inline policies (name → document); returns its ARN.
 * The harness policy lets it create roles only with the boundary: what they can ever do.
 */
async function createBoundedRole(
  clients: AwsClients,
  name: string,
  trust: string,
  context: { account: string; tags: Tag[] },
  inlinePolicies: Record<string, string>,
): Promise<string> {
  const role = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: name,
      Path: IAM_PATH,
      AssumeRolePolicyDocument: trust,
      PermissionsBoundary: boundaryArn(context.account),
      Tags: context.tags,
    }),
  );
  for (const [policyName, document] of Object.entries(inlinePolicies)) {
    await clients.iam.send(
      new PutRolePolicyCommand({ RoleName: name, PolicyName: policyName, PolicyDocument: document }),
    );
  }
  return role.Role?.Arn ?? '';
}

/** The caller's account, asked once per set of clients (for callers that do not pass it). */
const accounts = new WeakMap<AwsClients, Promise<string>>();
function accountOf(clients: AwsClients): Promise<string> {
  let account = accounts.get(clients);
  if (!account) {
    account = clients.sts.send(new GetCallerIdentityCommand({})).then((identity) => identity.Account ?? '');
    accounts.set(clients, account);
  }
  return account;
}
