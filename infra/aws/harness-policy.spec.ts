/**
 * The harness policy is minimal: escalations and reaching other teams' resources are denied, evaluated
 * with a real IAM policy evaluator (testing/iam-evaluator.ts). Its sufficiency (every request of a real run
 * allowed) is request-log.spec.ts; the requests of each kind below keep the two in step without a lab.
 */
import { expect, test } from '@playwright/test';
import { ACCOUNT, type AuthorizedAction, authorizationOf } from './authorization.ts';
import { boundaryArn, harnessPolicy, permissionsBoundary } from './harness-policy.ts';
import { runTags } from './tags.ts';
import { evaluate, forAccount, withResourceContext } from './testing/iam-evaluator.ts';

const account = '111122223333';
const region = 'us-west-2';
const harness = { arn: `arn:aws:iam::${account}:role/ci/ecs-taskrole-harness`, account };
const scoped = { identity: harnessPolicy({ account, region }) };
const wildcards = { identity: harnessPolicy() };

const runTagContext = Object.fromEntries(runTags('r1', new Date()).map((t) => [`aws:RequestTag/${t.Key}`, t.Value]));
const boundary = boundaryArn(account);
const ours = `arn:aws:iam::${account}:role/ecs-taskrole/ecs-taskrole-r1-task`;
const foreignRole = `arn:aws:iam::${account}:role/team-payments-prod`;

/** Escalations and cross-team requests; each must be denied, whatever resources the account holds. */
const ESCALATIONS: [string, AuthorizedAction][] = [
  [
    'attach AdministratorAccess to a harness role',
    {
      action: 'iam:AttachRolePolicy',
      resource: ours,
      context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess', 'iam:PermissionsBoundary': boundary },
    },
  ],
  [
    'attach the ECS instance policy to a role without the boundary',
    {
      action: 'iam:AttachRolePolicy',
      resource: ours,
      context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' },
    },
  ],
  ['create a role without the boundary', { action: 'iam:CreateRole', resource: ours, context: runTagContext }],
  [
    'create a role with another boundary',
    {
      action: 'iam:CreateRole',
      resource: ours,
      context: { ...runTagContext, 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' },
    },
  ],
  [
    'create a role outside the harness path, even with the boundary',
    {
      action: 'iam:CreateRole',
      resource: `arn:aws:iam::${account}:role/admin`,
      context: { ...runTagContext, 'iam:PermissionsBoundary': boundary },
    },
  ],
  [
    'put an inline policy on a harness-named role without the boundary',
    { action: 'iam:PutRolePolicy', resource: ours, context: {} },
  ],
  [
    'remove the boundary',
    { action: 'iam:DeleteRolePermissionsBoundary', resource: ours, context: { 'iam:PermissionsBoundary': boundary } },
  ],
  [
    'replace the boundary',
    { action: 'iam:PutRolePermissionsBoundary', resource: ours, context: { 'iam:PermissionsBoundary': boundary } },
  ],
  ['rewrite the boundary policy', { action: 'iam:CreatePolicyVersion', resource: boundary, context: {} }],
  ['delete the boundary policy', { action: 'iam:DeletePolicy', resource: boundary, context: {} }],
  ['create a user', { action: 'iam:CreateUser', resource: `arn:aws:iam::${account}:user/backdoor`, context: {} }],
  [
    "pass another team's role to EC2",
    { action: 'iam:PassRole', resource: foreignRole, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
  ],
  [
    'pass a harness role to Lambda',
    { action: 'iam:PassRole', resource: ours, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
  ],
  [
    'read another SSM parameter (a SecureString)',
    {
      action: 'ssm:GetParameter',
      resource: `arn:aws:ssm:${region}:${account}:parameter/prod/db/password`,
      context: {},
    },
  ],
  [
    'read every parameter under /aws/service',
    {
      action: 'ssm:GetParametersByPath',
      resource: `arn:aws:ssm:${region}:${account}:parameter/aws/service`,
      context: {},
    },
  ],
  [
    "delete another team's cluster",
    {
      action: 'ecs:DeleteCluster',
      resource: `arn:aws:ecs:${region}:${account}:cluster/payments-prod`,
      context: { 'aws:ResourceTag/ecs-taskrole:run': 'r1' },
    },
  ],
  [
    'delete a harness-named cluster the harness did not tag (not made by it)',
    {
      action: 'ecs:DeleteCluster',
      resource: `arn:aws:ecs:${region}:${account}:cluster/ecs-taskrole-lookalike`,
      context: {},
    },
  ],
  [
    "stop another team's task",
    {
      action: 'ecs:StopTask',
      resource: `arn:aws:ecs:${region}:${account}:task/payments-prod/0123456789abcdef`,
      context: { 'ecs:cluster': `arn:aws:ecs:${region}:${account}:cluster/payments-prod` },
    },
  ],
  [
    "tag another team's cluster with the run tag sweep trusts",
    {
      action: 'ecs:TagResource',
      resource: `arn:aws:ecs:${region}:${account}:cluster/payments-prod`,
      context: { ...runTagContext },
    },
  ],
  [
    'tag a harness cluster after its creation',
    {
      action: 'ecs:TagResource',
      resource: `arn:aws:ecs:${region}:${account}:cluster/ecs-taskrole-r1-cluster`,
      context: { ...runTagContext },
    },
  ],
  [
    "run a task in another team's cluster",
    {
      action: 'ecs:RunTask',
      resource: `arn:aws:ecs:${region}:${account}:task-definition/ecs-taskrole-r1-cell:1`,
      context: { 'ecs:cluster': `arn:aws:ecs:${region}:${account}:cluster/payments-prod` },
    },
  ],
  [
    "delete another team's task definitions",
    {
      action: 'ecs:DeleteTaskDefinitions',
      resource: `arn:aws:ecs:${region}:${account}:task-definition/payments:3`,
      context: {},
    },
  ],
  [
    'delete another log group',
    {
      action: 'logs:DeleteLogGroup',
      resource: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/payments`,
      context: {},
    },
  ],
  [
    'read another log stream',
    {
      action: 'logs:GetLogEvents',
      resource: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/payments:log-stream:2026/12/03`,
      context: {},
    },
  ],
  [
    'terminate an untagged instance',
    {
      action: 'ec2:TerminateInstances',
      resource: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`,
      context: {},
    },
  ],
  [
    "read another team's instance console (user data output can hold their secrets)",
    {
      action: 'ec2:GetConsoleOutput',
      resource: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`,
      context: {},
    },
  ],
  [
    'tag an existing instance with the run tag (to make it sweepable)',
    {
      action: 'ec2:CreateTags',
      resource: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`,
      context: { ...runTagContext },
    },
  ],
  [
    "create another service's linked role (only ECS's, which CreateCluster makes for awsvpc ENIs)",
    {
      action: 'iam:CreateServiceLinkedRole',
      resource: `arn:aws:iam::${account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
      context: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' },
    },
  ],
  [
    'launch a large instance type',
    {
      action: 'ec2:RunInstances',
      resource: `arn:aws:ec2:${region}:${account}:instance/*`,
      context: { ...runTagContext, 'ec2:InstanceType': 'p4d.24xlarge' },
    },
  ],
  [
    'launch an instance without the run tags',
    {
      action: 'ec2:RunInstances',
      resource: `arn:aws:ec2:${region}:${account}:instance/*`,
      context: { 'ec2:InstanceType': 't3.small' },
    },
  ],
  [
    'keep an instance from terminating at its expiry (change its shutdown behaviour)',
    {
      action: 'ec2:ModifyInstanceAttribute',
      resource: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`,
      context: { 'aws:ResourceTag/ecs-taskrole:run': 'r1' },
    },
  ],
];

for (const [name, request] of ESCALATIONS) {
  test(`denied: ${name}`, async () => {
    for (const policies of [scoped, wildcards]) {
      const evaluation = await evaluate(request, policies, harness);
      expect(evaluation.error).toBeUndefined();
      expect(evaluation.decision).not.toBe('Allowed');
    }
  });
}

test('the boundary caps a harness role even if an administrator policy were attached to it', async () => {
  const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const role = { arn: ours, account };
  const asRole = { identity: admin, boundary: permissionsBoundary({ account, region }) };
  for (const [action, resource] of [
    ['iam:CreateUser', `arn:aws:iam::${account}:user/backdoor`],
    ['iam:AttachRolePolicy', foreignRole],
    ['sts:AssumeRole', foreignRole],
    ['s3:GetObject', 'arn:aws:s3:::payments-data/customers.csv'],
    ['ecs:DeleteCluster', `arn:aws:ecs:${region}:${account}:cluster/payments-prod`],
    ['logs:PutLogEvents', `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/payments:log-stream:x`],
  ] as const) {
    expect((await evaluate({ action, resource, context: {} }, asRole, role)).decision, action).not.toBe('Allowed');
  }
  // What the roles are for stays allowed: the known-good call and an instance's task logs.
  for (const [action, resource] of [
    ['ecs:ListTasks', `arn:aws:ecs:${region}:${account}:container-instance/ecs-taskrole-r1-cluster/abc`],
    ['logs:PutLogEvents', `arn:aws:logs:${region}:${account}:log-group:/ecs-taskrole/r1:log-stream:iam-role-test/x/y`],
    ['ecs:RegisterContainerInstance', `arn:aws:ecs:${region}:${account}:cluster/ecs-taskrole-r1-cluster`],
  ] as const) {
    expect((await evaluate({ action, resource, context: {} }, asRole, role)).decision, action).toBe('Allowed');
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
    ['ssm', 'GetParameter', { Name: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id' }],
    ['ssm', 'GetParameter', { Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }],
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
          { ResourceType: 'instance', Tags: tags },
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
  const created = new Map<string, { tags: Record<string, string>; permissionsBoundary?: string }>();
  for (const [service, operation, input, output] of calls) {
    const authorization = authorizationOf(service, operation, input, output, region);
    for (const resource of authorization.created) created.set(resource.arn.replaceAll(ACCOUNT, account), resource);
    for (const action of authorization.actions) {
      const request = withResourceContext(forAccount(action, account), created);
      const evaluation = await evaluate(request, scoped, harness);
      expect(evaluation.error, `${operation}: ${action.action}`).toBeUndefined();
      expect(evaluation.decision, `${operation}: ${action.action} on ${request.resource}`).toBe('Allowed');
    }
  }
});
