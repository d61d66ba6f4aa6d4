/**
 * The harness policy and the boundary are minimal: every adversarial request of
 * testing/adversarial-requests.ts (escalations, other teams' resources, multi-step chains; as the harness
 * and as a created role with `Allow *` under the boundary) is denied by a real IAM policy evaluator
 * (testing/iam-evaluator.ts). Their sufficiency (every request of a real run allowed) is
 * request-log.spec.ts; the requests of each kind below keep the two in step without a lab.
 */
import { expect, test } from '@playwright/test';
import { ACCOUNT, authorizationOf, type CreatedResource } from './authorization.ts';
import { boundaryArn, harnessPolicy, type PolicyDocument, permissionsBoundary } from './harness-policy.ts';
import { runTags } from './tags.ts';
import {
  ADVERSARIAL_CHAINS,
  ADVERSARIAL_CLASSES,
  type AdversarialCase,
  UNTAGGED_ROLE_CASES,
} from './testing/adversarial-requests.ts';
import { evaluate, forAccount, withResourceContext } from './testing/iam-evaluator.ts';

const account = '111122223333';
const region = 'us-west-2';
const harness = { arn: `arn:aws:iam::${account}:role/ci/ecs-taskrole-harness`, account };
const scoped = { identity: harnessPolicy({ account, region }) };
const wildcards = { identity: harnessPolicy() };
const boundary = boundaryArn(account);

/** A role of run r1 (its tags are its session's principal tags) holding `Allow *` under the boundary. */
const ADMIN: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const createdRole = { arn: `arn:aws:iam::${account}:role/ecs-taskrole/ecs-taskrole-r1-instance-minimal`, account };
const RUN_R1 = { 'aws:PrincipalTag/ecs-taskrole:run': 'r1' };
const underBoundary = [
  { identity: ADMIN, boundary: permissionsBoundary({ account, region }) },
  { identity: ADMIN, boundary: permissionsBoundary() },
];

async function decisionsOf(entry: AdversarialCase, principalTags: Record<string, string> = RUN_R1) {
  const decisions: string[] = [];
  if (entry.as === 'harness') {
    for (const policies of [scoped, wildcards]) {
      const evaluation = await evaluate(entry.request, policies, harness);
      expect(evaluation.error, entry.name).toBeUndefined();
      decisions.push(evaluation.decision);
    }
    return decisions;
  }
  const request = { ...entry.request, context: { ...entry.request.context, ...principalTags } };
  for (const policies of underBoundary) {
    const evaluation = await evaluate(request, policies, createdRole);
    expect(evaluation.error, entry.name).toBeUndefined();
    decisions.push(evaluation.decision);
  }
  return decisions;
}

const cases = [...ADVERSARIAL_CLASSES, ...ADVERSARIAL_CHAINS].flatMap((group) => group.cases);

test('the adversarial table holds at least 100 requests, as both callers, chains included', () => {
  expect(cases.length).toBeGreaterThanOrEqual(100);
  expect(new Set(cases.map((entry) => entry.as))).toEqual(new Set(['harness', 'role']));
  expect(ADVERSARIAL_CHAINS.every((chain) => chain.cases.length >= 4)).toBe(true);
});

for (const group of [...ADVERSARIAL_CLASSES, ...ADVERSARIAL_CHAINS]) {
  test.describe(group.name, () => {
    for (const entry of group.cases) {
      test(`denied as ${entry.as}: ${entry.name}`, async () => {
        for (const decision of await decisionsOf(entry)) expect(decision).not.toBe('Allowed');
      });
    }
  });
}

test('a role without the run tag reaches no run cluster, not even one named like its own', async () => {
  for (const entry of UNTAGGED_ROLE_CASES) {
    for (const decision of await decisionsOf(entry, {})) expect(decision, entry.name).not.toBe('Allowed');
  }
});

test("the boundary lets an instance role be an agent in its own run's cluster, and nowhere else", async () => {
  const own = 'ecs-taskrole-r1-cluster';
  const allowed: AdversarialCase['request'][] = [
    { action: 'ecs:DiscoverPollEndpoint', resource: '*', context: {} },
    ...['ecs:RegisterContainerInstance', 'ecs:DeregisterContainerInstance', 'ecs:SubmitTaskStateChange'].map(
      (action) => ({ action, resource: `arn:aws:ecs:${region}:${account}:cluster/${own}`, context: {} }),
    ),
    ...['ecs:Poll', 'ecs:StartTelemetrySession', 'ecs:UpdateContainerInstancesState'].map((action) => ({
      action,
      resource: `arn:aws:ecs:${region}:${account}:container-instance/${own}/0a1b`,
      context: { 'ecs:cluster': `arn:aws:ecs:${region}:${account}:cluster/${own}` },
    })),
  ];
  for (const request of allowed) {
    const [scopedDecision, wildcardDecision] = await decisionsOf({ name: request.action, as: 'role', request });
    expect([scopedDecision, wildcardDecision], request.action).toEqual(['Allowed', 'Allowed']);
  }
});

test('the harness policy fits the inline role policy quota (10,240 characters without whitespace)', () => {
  for (const document of [harnessPolicy(), harnessPolicy({ account, region })]) {
    expect(JSON.stringify(document).length).toBeLessThanOrEqual(10_240);
  }
});

test('what the roles are for stays allowed under the boundary: the known-good call and task logs', async () => {
  for (const [action, resource] of [
    ['ecs:ListTasks', `arn:aws:ecs:${region}:${account}:container-instance/ecs-taskrole-r1-cluster/abc`],
    ['logs:PutLogEvents', `arn:aws:logs:${region}:${account}:log-group:/ecs-taskrole/r1:log-stream:iam-role-test/x/y`],
    [
      'logs:CreateLogStream',
      `arn:aws:logs:${region}:${account}:log-group:/ecs-taskrole/r1:log-stream:iam-role-test/x/y`,
    ],
  ] as const) {
    const decisions = await decisionsOf({ name: action, as: 'role', request: { action, resource, context: {} } });
    expect(decisions, action).toEqual(['Allowed', 'Allowed']);
  }
});

test('an instance role goes into an instance profile whether or not IAM names the service there', async () => {
  const role = `arn:aws:iam::${account}:role/ecs-taskrole/ecs-taskrole-r1-instance-minimal`;
  const association = { 'iam:AssociatedResourceArn': `arn:aws:ec2:*:${account}:instance/*` };
  for (const context of [{ ...association, 'iam:PassedToService': 'ec2.amazonaws.com' }, association]) {
    for (const policies of [scoped, wildcards]) {
      const evaluation = await evaluate({ action: 'iam:PassRole', resource: role, context }, policies, harness);
      expect(evaluation.decision, JSON.stringify(context)).toBe('Allowed');
    }
  }
});

test("CreateCluster may create ECS's service-linked role, which ECS attaches awsvpc tasks' ENIs with", async () => {
  const request = {
    action: 'iam:CreateServiceLinkedRole',
    resource: `arn:aws:iam::${account}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
    context: { 'iam:AWSServiceName': 'ecs.amazonaws.com' },
  };
  for (const policies of [scoped, wildcards]) {
    expect((await evaluate(request, policies, harness)).decision).toBe('Allowed');
  }
});

/** One request of every kind the harness sends, as authorization.ts describes it for the evaluator. */
test('every kind of request the harness sends is allowed (the derivation the request log uses)', async () => {
  const tags = runTags('r1', new Date());
  const ecsTags = tags.map((t) => ({ key: t.Key, value: t.Value }));
  const role = 'ecs-taskrole-r1-instance-minimal';
  const cluster = 'ecs-taskrole-r1-cluster';
  const task = `arn:aws:ecs:${region}:${account}:task/${cluster}/0123`;
  const calls: [string, string, Record<string, unknown>, Record<string, unknown>?][] = [
    ['sts', 'GetCallerIdentity', {}],
    [
      'ssm',
      'GetParameter',
      { Name: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id' },
      { Parameter: { Value: 'ami-0123' } },
    ],
    [
      'ssm',
      'GetParameter',
      { Name: '/aws/service/ecs/optimized-ami/amazon-linux-2/recommended' },
      { Parameter: { Value: '{"image_id":"ami-0456"}' } },
    ],
    [
      'ssm',
      'GetParameter',
      { Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' },
      { Parameter: { Value: 'ami-0789' } },
    ],
    ['iam', 'CreateRole', { RoleName: role, Path: '/ecs-taskrole/', Tags: tags, PermissionsBoundary: boundary }],
    [
      'iam',
      'AttachRolePolicy',
      { RoleName: role, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' },
    ],
    ['iam', 'PutRolePolicy', { RoleName: role, PolicyName: 'list-tasks' }],
    ['iam', 'CreateInstanceProfile', { InstanceProfileName: role, Path: '/ecs-taskrole/', Tags: tags }],
    ['iam', 'AddRoleToInstanceProfile', { InstanceProfileName: role, RoleName: role }],
    [
      'ec2',
      'RunInstances',
      {
        ImageId: 'ami-0123',
        InstanceType: 't3.small',
        IamInstanceProfile: { Name: role },
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              ...tags,
              { Key: 'Name', Value: 'ecs-taskrole-r1-al2023-ecs' },
              { Key: 'ecs-taskrole:group', Value: 'g1' },
              { Key: 'ecs-taskrole:launch-order', Value: '0' },
            ],
          },
          { ResourceType: 'volume', Tags: tags },
        ],
      },
      { Instances: [{ InstanceId: 'i-0123' }] },
    ],
    ['ec2', 'DescribeInstances', {}],
    ['ec2', 'GetConsoleOutput', { InstanceId: 'i-0123', Latest: true }],
    ['ec2', 'RebootInstances', { InstanceIds: ['i-0123'] }],
    ['ec2', 'TerminateInstances', { InstanceIds: ['i-0123'] }],
    ['ecs', 'CreateCluster', { clusterName: cluster, tags: ecsTags }],
    ['ecs', 'ListContainerInstances', { cluster }],
    [
      'ecs',
      'DescribeContainerInstances',
      { cluster, containerInstances: [`arn:aws:ecs:${region}:${account}:container-instance/${cluster}/abc`] },
    ],
    [
      'ecs',
      'RegisterTaskDefinition',
      {
        family: 'ecs-taskrole-r1-cell',
        tags: ecsTags,
        taskRoleArn: `arn:aws:iam::${account}:role/ecs-taskrole/ecs-taskrole-r1-task-ecs-tasks-list-tasks`,
      },
    ],
    [
      'ecs',
      'RunTask',
      { cluster, taskDefinition: `arn:aws:ecs:${region}:${account}:task-definition/ecs-taskrole-r1-cell:1` },
    ],
    ['ecs', 'DescribeTasks', { cluster, tasks: [task] }],
    ['ecs', 'StopTask', { cluster, task }],
    [
      'ecs',
      'DeregisterTaskDefinition',
      { taskDefinition: `arn:aws:ecs:${region}:${account}:task-definition/ecs-taskrole-r1-cell:1` },
    ],
    [
      'ecs',
      'DeleteTaskDefinitions',
      { taskDefinitions: [`arn:aws:ecs:${region}:${account}:task-definition/ecs-taskrole-r1-cell:1`] },
    ],
    ['ecs', 'DeregisterContainerInstance', { cluster }],
    ['ecs', 'DeleteCluster', { cluster }],
    [
      'logs',
      'CreateLogGroup',
      { logGroupName: '/ecs-taskrole/r1', tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])) },
    ],
    ['logs', 'PutRetentionPolicy', { logGroupName: '/ecs-taskrole/r1' }],
    ['logs', 'GetLogEvents', { logGroupName: '/ecs-taskrole/r1', logStreamName: 'iam-role-test/amazonlinux/0123' }],
    ['logs', 'ListTagsForResource', { resourceArn: `arn:aws:logs:${region}:${account}:log-group:/ecs-taskrole/r1` }],
    ['logs', 'DeleteLogGroup', { logGroupName: '/ecs-taskrole/r1' }],
    ['iam', 'ListRoles', {}],
    ['iam', 'ListRoleTags', { RoleName: role }],
    ['iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: role, RoleName: role }],
    ['iam', 'DeleteInstanceProfile', { InstanceProfileName: role }],
    [
      'iam',
      'DetachRolePolicy',
      { RoleName: role, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' },
    ],
    ['iam', 'DeleteRolePolicy', { RoleName: role, PolicyName: 'list-tasks' }],
    ['iam', 'DeleteRole', { RoleName: role }],
  ];
  // What AWS knows of each resource: the tags and boundary it was created with.
  const created = new Map<string, CreatedResource>();
  for (const [service, operation, input, output] of calls) {
    const authorization = authorizationOf(service, operation, input, output, region);
    for (const resource of authorization.created)
      created.set(resource.arn.replaceAll(ACCOUNT, account), forAccount(resource, account));
    for (const action of authorization.actions) {
      const request = withResourceContext(forAccount(action, account), created);
      const evaluation = await evaluate(request, scoped, harness);
      expect(evaluation.error, `${operation}: ${action.action}`).toBeUndefined();
      expect(evaluation.decision, `${operation}: ${action.action} on ${request.resource}`).toBe('Allowed');
    }
  }
});
