/**
 * Adversarial requests against the harness policy and the permissions boundary, as data, by class: what a
 * stolen harness credential, or a role the harness created with an inline `Allow *` under its boundary (a
 * test container holding its instance's credentials, a hostile package it installed), would try in an
 * account other teams use. Every request here must be denied (harness-policy.spec.ts). Each names the
 * resource and the condition keys AWS would supply; chains are the steps of one attack, each of which must
 * fail on its own. Account 111122223333, region us-west-2; "payments" is the other team, r1 the run whose
 * credentials were taken, r2 another live run.
 */
import type { AuthorizedAction } from '../authorization.ts';

export const ACCOUNT_ID = '111122223333';
export const REGION = 'us-west-2';

/** `harness`: the harness identity; `role`: a role of run r1 with an inline `Allow *` under the boundary. */
export type Caller = 'harness' | 'role';

export interface AdversarialCase {
  name: string;
  as: Caller;
  request: AuthorizedAction;
}

export interface AdversarialClass {
  name: string;
  cases: AdversarialCase[];
}

const a = ACCOUNT_ID;
const r = REGION;
const BOUNDARY = `arn:aws:iam::${a}:policy/ecs-taskrole/ecs-taskrole-boundary`;
const ECS_INSTANCE_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';
const RUN_TAGS = {
  'aws:RequestTag/ecs-taskrole:run': 'r1',
  'aws:RequestTag/ecs-taskrole:expires': '2026-12-07T12:00:00Z',
};
const RUN_TAG_KEYS = ['ecs-taskrole:run', 'ecs-taskrole:expires'];
const HAS_RUN_TAG = { 'aws:ResourceTag/ecs-taskrole:run': 'r1' };

const cluster = (name: string) => `arn:aws:ecs:${r}:${a}:cluster/${name}`;
const containerInstance = (clusterName: string) => `arn:aws:ecs:${r}:${a}:container-instance/${clusterName}/0a1b2c3d`;
const task = (clusterName: string) => `arn:aws:ecs:${r}:${a}:task/${clusterName}/0123456789abcdef`;
const taskDefinition = (family: string) => `arn:aws:ecs:${r}:${a}:task-definition/${family}:3`;
const role = (pathAndName: string) => `arn:aws:iam::${a}:role/${pathAndName}`;
const profile = (pathAndName: string) => `arn:aws:iam::${a}:instance-profile/${pathAndName}`;
const instance = (id = 'i-0123456789abcdef0') => `arn:aws:ec2:${r}:${a}:instance/${id}`;
const ec2 = (type: string, id = '*') => `arn:aws:ec2:${r}:${a}:${type}/${id}`;
const image = (id = 'ami-0123456789abcdef0') => `arn:aws:ec2:${r}::image/${id}`;
const logGroup = (name: string) => `arn:aws:logs:${r}:${a}:log-group:${name}`;

const OURS = role('ecs-taskrole/ecs-taskrole-r1-task-ecs-tasks-list-tasks');
const OUR_INSTANCE_ROLE = role('ecs-taskrole/ecs-taskrole-r1-instance-minimal');
const OUR_PROFILE = profile('ecs-taskrole/ecs-taskrole-r1-instance-minimal');
const OUR_CLUSTER = 'ecs-taskrole-r1-cluster';
const PAYMENTS = 'payments-prod';
const PAYMENTS_TASK_ROLE = role('team-payments/payments-prod-task');
const OTHER_RUN = 'ecs-taskrole-r2-cluster';

/** A request built from its parts (the context defaults to none). */
const req = (action: string, resource: string, context: AuthorizedAction['context'] = {}): AuthorizedAction => ({
  action,
  resource,
  context,
});
const as =
  (caller: Caller) =>
  (name: string, request: AuthorizedAction): AdversarialCase => ({
    name,
    as: caller,
    request,
  });
const harness = as('harness');
const asRole = as('role');

/** The agent's actions on a cluster (resource `cluster`, no ecs:cluster key in AWS). */
const clusterActions = [
  'ecs:RegisterContainerInstance',
  'ecs:DeregisterContainerInstance',
  'ecs:SubmitTaskStateChange',
  'ecs:SubmitContainerStateChange',
  'ecs:SubmitAttachmentStateChanges',
];
/** The agent's actions as a container instance (resource `container-instance`, with ecs:cluster). */
const instanceActions = ['ecs:Poll', 'ecs:StartTelemetrySession', 'ecs:UpdateContainerInstancesState'];

const boundaryEscapes: AdversarialCase[] = [
  ...clusterActions.flatMap((action) => [
    asRole(`${action} in another team's cluster`, req(action, cluster(PAYMENTS))),
    asRole(`${action} in another live run's cluster`, req(action, cluster(OTHER_RUN))),
    asRole(`${action} in the default cluster`, req(action, cluster('default'))),
  ]),
  ...instanceActions.flatMap((action) => [
    asRole(
      `${action} as a container instance of another team's cluster`,
      req(action, containerInstance(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
    ),
    asRole(
      `${action} as a container instance of another live run's cluster`,
      req(action, containerInstance(OTHER_RUN), { 'ecs:cluster': cluster(OTHER_RUN) }),
    ),
    asRole(
      `${action} on another team's container instance, claiming its own cluster`,
      req(action, containerInstance(PAYMENTS), { 'ecs:cluster': cluster(OUR_CLUSTER) }),
    ),
  ]),
  asRole('create a cluster', req('ecs:CreateCluster', cluster('ecs-taskrole-r1-extra'))),
  asRole("create a cluster named like another team's", req('ecs:CreateCluster', cluster('payments-canary'))),
  asRole('get an ECR authorization token', req('ecr:GetAuthorizationToken', '*')),
  asRole(
    "pull another team's image manifest",
    req('ecr:BatchGetImage', `arn:aws:ecr:${r}:${a}:repository/payments/api`),
  ),
  asRole(
    "pull another team's image layers",
    req('ecr:GetDownloadUrlForLayer', `arn:aws:ecr:${r}:${a}:repository/payments/api`),
  ),
  asRole('read every tag of the account', req('ec2:DescribeTags', '*')),
  asRole(
    "tag another team's container instance as at registration",
    req('ecs:TagResource', containerInstance(PAYMENTS), { 'ecs:CreateAction': 'RegisterContainerInstance' }),
  ),
  asRole(
    "set attributes on another team's container instance (placement)",
    req('ecs:PutAttributes', containerInstance(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
  ),
  asRole(
    "update the agent of another team's instance",
    req('ecs:UpdateContainerAgent', containerInstance(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
  ),
  asRole(
    "exec into another team's task",
    req('ecs:ExecuteCommand', task(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
  ),
  asRole(
    'run a task in its own cluster',
    req('ecs:RunTask', taskDefinition('ecs-taskrole-r1-cell'), { 'ecs:cluster': cluster(OUR_CLUSTER) }),
  ),
  asRole("stop another team's task", req('ecs:StopTask', task(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) })),
  asRole(
    "describe another team's tasks (their environment values)",
    req('ecs:DescribeTasks', task(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
  ),
  asRole("describe another team's task definition", req('ecs:DescribeTaskDefinition', '*')),
  asRole(
    'pass any role',
    req('iam:PassRole', PAYMENTS_TASK_ROLE, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }),
  ),
  asRole("assume another team's task role", req('sts:AssumeRole', PAYMENTS_TASK_ROLE)),
  asRole('create a user', req('iam:CreateUser', `arn:aws:iam::${a}:user/backdoor`)),
  asRole(
    'attach an administrator policy to itself',
    req('iam:AttachRolePolicy', OUR_INSTANCE_ROLE, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' }),
  ),
  asRole('remove its own boundary', req('iam:DeleteRolePermissionsBoundary', OUR_INSTANCE_ROLE)),
  asRole("read another team's object", req('s3:GetObject', 'arn:aws:s3:::payments-data/customers.csv')),
  asRole(
    'read a secret',
    req('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${r}:${a}:secret:prod/db-AbCdEf`),
  ),
  asRole('read a SecureString parameter', req('ssm:GetParameter', `arn:aws:ssm:${r}:${a}:parameter/prod/db/password`)),
  asRole(
    'decrypt with a KMS key',
    req('kms:Decrypt', `arn:aws:kms:${r}:${a}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
  ),
  asRole(
    "write into another team's log group",
    req('logs:PutLogEvents', `${logGroup('/aws/lambda/payments')}:log-stream:x`),
  ),
  asRole(
    "create a stream in another team's log group",
    req('logs:CreateLogStream', `${logGroup('/aws/lambda/payments')}:log-stream:x`),
  ),
  asRole(
    "read the harness's own task logs",
    req('logs:GetLogEvents', `${logGroup('/ecs-taskrole/r1')}:log-stream:iam-role-test/x/y`),
  ),
  asRole('launch an instance', req('ec2:RunInstances', ec2('instance'))),
  asRole('terminate an instance', req('ec2:TerminateInstances', instance())),
];

/** A role of run r1 whose run tag is missing (made by hand under the path): nothing of any run's cluster. */
export const UNTAGGED_ROLE_CASES: AdversarialCase[] = [
  asRole(
    'register into the r1 cluster without the run tag on the role',
    req('ecs:RegisterContainerInstance', cluster(OUR_CLUSTER)),
  ),
  asRole(
    'poll in the r1 cluster without the run tag on the role',
    req('ecs:Poll', containerInstance(OUR_CLUSTER), { 'ecs:cluster': cluster(OUR_CLUSTER) }),
  ),
];

const crossTeamEcs: AdversarialCase[] = [
  ...clusterActions.map((action) => harness(`${action} in another team's cluster`, req(action, cluster(PAYMENTS)))),
  ...instanceActions.map((action) =>
    harness(
      `${action} in another team's cluster`,
      req(action, containerInstance(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
    ),
  ),
  harness(
    "describe another team's tasks (their environment values)",
    req('ecs:DescribeTasks', task(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
  ),
  harness(
    "describe another team's tasks through a harness-named task ARN",
    req('ecs:DescribeTasks', task(OUR_CLUSTER), { 'ecs:cluster': cluster(PAYMENTS) }),
  ),
  harness("describe another team's clusters", req('ecs:DescribeClusters', cluster(PAYMENTS))),
  harness("list another team's container instances", req('ecs:ListContainerInstances', cluster(PAYMENTS))),
  harness(
    "describe another team's container instances",
    req('ecs:DescribeContainerInstances', containerInstance(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
  ),
  harness("list another team's cluster tags", req('ecs:ListTagsForResource', cluster(PAYMENTS))),
  harness("stop another team's task", req('ecs:StopTask', task(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) })),
  harness(
    "run a task in another team's cluster",
    req('ecs:RunTask', taskDefinition('ecs-taskrole-r1-cell'), { 'ecs:cluster': cluster(PAYMENTS) }),
  ),
  harness(
    "run another team's task definition in a harness cluster",
    req('ecs:RunTask', taskDefinition('payments-api'), { 'ecs:cluster': cluster(OUR_CLUSTER) }),
  ),
  harness("delete another team's cluster", req('ecs:DeleteCluster', cluster(PAYMENTS), HAS_RUN_TAG)),
  harness(
    'delete a harness-named cluster without the run tag',
    req('ecs:DeleteCluster', cluster('ecs-taskrole-lookalike')),
  ),
  harness(
    "deregister another team's container instance",
    req('ecs:DeregisterContainerInstance', cluster(PAYMENTS), HAS_RUN_TAG),
  ),
  harness(
    "tag another team's cluster with the run tag sweep trusts",
    req('ecs:TagResource', cluster(PAYMENTS), RUN_TAGS),
  ),
  harness('tag a harness cluster after its creation', req('ecs:TagResource', cluster(OUR_CLUSTER), RUN_TAGS)),
  harness('untag a harness cluster', req('ecs:UntagResource', cluster(OUR_CLUSTER), { 'aws:TagKeys': RUN_TAG_KEYS })),
  harness(
    'create a cluster with an extra ABAC tag',
    req('ecs:CreateCluster', cluster('ecs-taskrole-r1-cluster'), {
      ...RUN_TAGS,
      'aws:RequestTag/team': 'platform-admin',
      'aws:TagKeys': [...RUN_TAG_KEYS, 'team'],
    }),
  ),
  harness(
    "create a cluster named like another team's",
    req('ecs:CreateCluster', cluster(PAYMENTS), { ...RUN_TAGS, 'aws:TagKeys': RUN_TAG_KEYS }),
  ),
  harness(
    "register a task definition in another team's family",
    req('ecs:RegisterTaskDefinition', `arn:aws:ecs:${r}:${a}:task-definition/payments-api:*`, {
      ...RUN_TAGS,
      'aws:TagKeys': RUN_TAG_KEYS,
    }),
  ),
  harness(
    'register a task definition with an extra ABAC tag',
    req('ecs:RegisterTaskDefinition', `arn:aws:ecs:${r}:${a}:task-definition/ecs-taskrole-r1-cell:*`, {
      ...RUN_TAGS,
      'aws:RequestTag/team': 'platform-admin',
      'aws:TagKeys': [...RUN_TAG_KEYS, 'team'],
    }),
  ),
  harness("delete another team's task definitions", req('ecs:DeleteTaskDefinitions', taskDefinition('payments-api'))),
  harness(
    "create a service in another team's cluster",
    req('ecs:CreateService', `arn:aws:ecs:${r}:${a}:service/${PAYMENTS}/backdoor`),
  ),
  harness("update another team's service", req('ecs:UpdateService', `arn:aws:ecs:${r}:${a}:service/${PAYMENTS}/api`)),
  harness(
    "exec into another team's task",
    req('ecs:ExecuteCommand', task(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
  ),
  harness('change an account setting', req('ecs:PutAccountSetting', '*')),
];

const iamEscalations: AdversarialCase[] = [
  harness(
    'attach AdministratorAccess to a harness role',
    req('iam:AttachRolePolicy', OURS, {
      'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess',
      'iam:PermissionsBoundary': BOUNDARY,
    }),
  ),
  harness(
    'attach the ECS instance policy to a role without the boundary',
    req('iam:AttachRolePolicy', OURS, { 'iam:PolicyARN': ECS_INSTANCE_POLICY }),
  ),
  harness(
    'create a role without the boundary',
    req('iam:CreateRole', OURS, { ...RUN_TAGS, 'aws:TagKeys': RUN_TAG_KEYS }),
  ),
  harness(
    'create a role with another boundary',
    req('iam:CreateRole', OURS, {
      ...RUN_TAGS,
      'aws:TagKeys': RUN_TAG_KEYS,
      'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  ),
  harness(
    'create a role outside the harness path, even with the boundary',
    req('iam:CreateRole', role('admin'), {
      ...RUN_TAGS,
      'aws:TagKeys': RUN_TAG_KEYS,
      'iam:PermissionsBoundary': BOUNDARY,
    }),
  ),
  harness(
    'create a role under the path with a name not the harness prefix',
    req('iam:CreateRole', role('ecs-taskrole/payments-admin'), {
      ...RUN_TAGS,
      'aws:TagKeys': RUN_TAG_KEYS,
      'iam:PermissionsBoundary': BOUNDARY,
    }),
  ),
  harness(
    'create a role with an extra ABAC tag (team=platform-admin)',
    req('iam:CreateRole', OURS, {
      ...RUN_TAGS,
      'aws:RequestTag/team': 'platform-admin',
      'aws:TagKeys': [...RUN_TAG_KEYS, 'team'],
      'iam:PermissionsBoundary': BOUNDARY,
    }),
  ),
  harness('create a role without the run tags', req('iam:CreateRole', OURS, { 'iam:PermissionsBoundary': BOUNDARY })),
  harness(
    'tag a harness role with an extra ABAC tag',
    req('iam:TagRole', OURS, {
      ...RUN_TAGS,
      'aws:RequestTag/team': 'platform-admin',
      'aws:TagKeys': [...RUN_TAG_KEYS, 'team'],
    }),
  ),
  harness(
    "tag another team's role with the run tags",
    req('iam:TagRole', PAYMENTS_TASK_ROLE, { ...RUN_TAGS, 'aws:TagKeys': RUN_TAG_KEYS }),
  ),
  harness('untag a harness role', req('iam:UntagRole', OURS, { 'aws:TagKeys': RUN_TAG_KEYS })),
  harness('put an inline policy on a harness-named role without the boundary', req('iam:PutRolePolicy', OURS)),
  harness(
    "put an inline policy on another team's role",
    req('iam:PutRolePolicy', PAYMENTS_TASK_ROLE, { 'iam:PermissionsBoundary': BOUNDARY }),
  ),
  harness(
    'remove the boundary',
    req('iam:DeleteRolePermissionsBoundary', OURS, { 'iam:PermissionsBoundary': BOUNDARY }),
  ),
  harness('replace the boundary', req('iam:PutRolePermissionsBoundary', OURS, { 'iam:PermissionsBoundary': BOUNDARY })),
  harness('rewrite the boundary policy', req('iam:CreatePolicyVersion', BOUNDARY)),
  harness('make an older boundary version the default', req('iam:SetDefaultPolicyVersion', BOUNDARY)),
  harness('delete the boundary policy', req('iam:DeletePolicy', BOUNDARY)),
  harness('create a managed policy', req('iam:CreatePolicy', `arn:aws:iam::${a}:policy/ecs-taskrole/backdoor`)),
  harness('rewrite a harness role trust policy (to trust an outside account)', req('iam:UpdateAssumeRolePolicy', OURS)),
  harness('create a user', req('iam:CreateUser', `arn:aws:iam::${a}:user/backdoor`)),
  harness("create another user's access key", req('iam:CreateAccessKey', `arn:aws:iam::${a}:user/alice`)),
  harness("set another user's console password", req('iam:CreateLoginProfile', `arn:aws:iam::${a}:user/alice`)),
  harness(
    'delete a role planted under the harness path without the boundary',
    req('iam:DeleteRole', role('ecs-taskrole/ecs-taskrole-r9-task-x'), HAS_RUN_TAG),
  ),
  harness(
    'delete a bounded role under the harness path without the run tag',
    req('iam:DeleteRole', role('ecs-taskrole/ecs-taskrole-r9-task-x'), { 'iam:PermissionsBoundary': BOUNDARY }),
  ),
  harness(
    "delete another team's role",
    req('iam:DeleteRole', PAYMENTS_TASK_ROLE, { ...HAS_RUN_TAG, 'iam:PermissionsBoundary': BOUNDARY }),
  ),
  harness(
    'delete the inline policy of a role without the run tag',
    req('iam:DeleteRolePolicy', OURS, { 'iam:PermissionsBoundary': BOUNDARY }),
  ),
  harness(
    'detach a policy from a role without the boundary',
    req('iam:DetachRolePolicy', OURS, { ...HAS_RUN_TAG, 'iam:PolicyARN': ECS_INSTANCE_POLICY }),
  ),
  harness('delete a harness-path instance profile without the run tag', req('iam:DeleteInstanceProfile', OUR_PROFILE)),
  harness(
    'empty a harness-path instance profile without the run tag',
    req('iam:RemoveRoleFromInstanceProfile', OUR_PROFILE),
  ),
  harness(
    "delete another team's instance profile",
    req('iam:DeleteInstanceProfile', profile('payments-prod'), HAS_RUN_TAG),
  ),
  harness(
    "put a role into another team's instance profile",
    req('iam:AddRoleToInstanceProfile', profile('payments-prod'), HAS_RUN_TAG),
  ),
  harness(
    'create an instance profile with an extra ABAC tag',
    req('iam:CreateInstanceProfile', OUR_PROFILE, {
      ...RUN_TAGS,
      'aws:RequestTag/team': 'platform-admin',
      'aws:TagKeys': [...RUN_TAG_KEYS, 'team'],
    }),
  ),
  harness(
    "create another service's linked role",
    req(
      'iam:CreateServiceLinkedRole',
      role('aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing'),
      { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' },
    ),
  ),
];

const passRole: AdversarialCase[] = [
  harness('pass a task role to EC2', req('iam:PassRole', OURS, { 'iam:PassedToService': 'ec2.amazonaws.com' })),
  harness(
    'pass an instance role to ECS tasks',
    req('iam:PassRole', OUR_INSTANCE_ROLE, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }),
  ),
  harness('pass a task role with no target service', req('iam:PassRole', OURS)),
  harness(
    'pass an instance role with no target service and no EC2 association',
    req('iam:PassRole', OUR_INSTANCE_ROLE),
  ),
  harness(
    'pass an instance role with no target service, associated with a Lambda function',
    req('iam:PassRole', OUR_INSTANCE_ROLE, {
      'iam:AssociatedResourceArn': `arn:aws:lambda:${r}:${a}:function:backdoor`,
    }),
  ),
  harness(
    'pass a harness role to Lambda',
    req('iam:PassRole', OURS, { 'iam:PassedToService': 'lambda.amazonaws.com' }),
  ),
  harness(
    'pass an instance role to CloudFormation',
    req('iam:PassRole', OUR_INSTANCE_ROLE, { 'iam:PassedToService': 'cloudformation.amazonaws.com' }),
  ),
  harness(
    "pass another team's role to ECS tasks",
    req('iam:PassRole', PAYMENTS_TASK_ROLE, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }),
  ),
  harness(
    "pass another team's role to EC2",
    req('iam:PassRole', role('team-payments/payments-ecs-instance'), { 'iam:PassedToService': 'ec2.amazonaws.com' }),
  ),
  harness(
    'pass a harness-named role outside the harness path',
    req('iam:PassRole', role('ecs-taskrole-r1-task-x'), { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }),
  ),
  harness(
    "pass the harness's own role",
    req('iam:PassRole', role('ci/ecs-taskrole-harness'), { 'iam:PassedToService': 'ec2.amazonaws.com' }),
  ),
  harness(
    "pass a role under the path whose name is not the harness's",
    req('iam:PassRole', role('ecs-taskrole/payments-admin'), { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }),
  ),
];

/** RunInstances is authorized per resource; `launch` is the instance part with the harness's own keys. */
const launch = (overrides: AuthorizedAction['context'], omit: string[] = []): AuthorizedAction => {
  const context: AuthorizedAction['context'] = {
    ...RUN_TAGS,
    'aws:TagKeys': RUN_TAG_KEYS,
    'ec2:InstanceType': 't3.small',
    'ec2:Tenancy': 'default',
    'ec2:InstanceProfile': OUR_PROFILE,
    ...overrides,
  };
  for (const key of omit) delete context[key];
  return req('ec2:RunInstances', ec2('instance'), context);
};

const ec2Launches: AdversarialCase[] = [
  harness('launch from a community AMI', req('ec2:RunInstances', image(), { 'ec2:Owner': '999988887777' })),
  harness('launch from a Marketplace AMI', req('ec2:RunInstances', image(), { 'ec2:Owner': 'aws-marketplace' })),
  harness(
    "launch from an AMI of the account's own (a colleague's)",
    req('ec2:RunInstances', image(), { 'ec2:Owner': a }),
  ),
  harness('launch from an AMI whose owner is unknown', req('ec2:RunInstances', image())),
  harness('launch with dedicated tenancy', launch({ 'ec2:Tenancy': 'dedicated' })),
  harness('launch onto a dedicated host', launch({ 'ec2:Tenancy': 'host' })),
  harness('launch a large instance type', launch({ 'ec2:InstanceType': 'p4d.24xlarge' })),
  harness('launch an instance without the run tags', launch({}, Object.keys(RUN_TAGS))),
  harness(
    'launch an instance with an extra ABAC tag (team=platform-admin)',
    launch({ 'aws:RequestTag/team': 'platform-admin', 'aws:TagKeys': [...RUN_TAG_KEYS, 'team'] }),
  ),
  harness('launch an instance without an instance profile', launch({}, ['ec2:InstanceProfile'])),
  harness("launch with another team's instance profile", launch({ 'ec2:InstanceProfile': profile('payments-prod') })),
  harness(
    'launch with a profile named like the harness outside its path',
    launch({ 'ec2:InstanceProfile': profile('ecs-taskrole-r1-x') }),
  ),
  harness('launch with volumes without the run tags', req('ec2:RunInstances', ec2('volume'))),
  harness(
    'launch with volumes carrying an extra tag',
    req('ec2:RunInstances', ec2('volume'), {
      ...RUN_TAGS,
      'aws:RequestTag/team': 'platform-admin',
      'aws:TagKeys': [...RUN_TAG_KEYS, 'team'],
    }),
  ),
  harness('launch with an SSH key pair', req('ec2:RunInstances', ec2('key-pair', 'admin-key'))),
  harness('launch from a launch template', req('ec2:RunInstances', ec2('launch-template', 'lt-0123456789abcdef0'))),
  harness('launch into a placement group', req('ec2:RunInstances', ec2('placement-group', 'hpc'))),
  harness('launch from a snapshot', req('ec2:RunInstances', `arn:aws:ec2:${r}::snapshot/snap-0123456789abcdef0`)),
  harness(
    'tag an existing instance with the run tag (to make it sweepable)',
    req('ec2:CreateTags', instance(), RUN_TAGS),
  ),
  harness('tag an existing volume', req('ec2:CreateTags', ec2('volume', 'vol-0123'), RUN_TAGS)),
  harness("tag another team's security group", req('ec2:CreateTags', ec2('security-group', 'sg-0123'), RUN_TAGS)),
  harness('open a security group', req('ec2:AuthorizeSecurityGroupIngress', ec2('security-group', 'sg-0123'))),
  harness('create a security group', req('ec2:CreateSecurityGroup', ec2('security-group'))),
  harness(
    'keep an instance from terminating at its expiry (change its shutdown behaviour)',
    req('ec2:ModifyInstanceAttribute', instance(), HAS_RUN_TAG),
  ),
  harness("give another team's instance a harness profile", req('ec2:AssociateIamInstanceProfile', instance())),
  harness("swap another team's instance profile", req('ec2:ReplaceIamInstanceProfileAssociation', instance())),
  harness("loosen another team's metadata options (IMDSv1)", req('ec2:ModifyInstanceMetadataOptions', instance())),
  harness("read another team's instance user data", req('ec2:DescribeInstanceAttribute', instance())),
  harness("stop another team's instance", req('ec2:StopInstances', instance(), HAS_RUN_TAG)),
];

/** An instance that is not the harness's: tags copied from a run, another profile (or none). */
const foreignInstance = (profileArn?: string) => ({
  ...HAS_RUN_TAG,
  'aws:ResourceTag/ecs-taskrole:expires': '2026-01-01T00:00:00Z',
  ...(profileArn ? { 'ec2:InstanceProfile': profileArn } : {}),
});
const instanceActionsOfHarness = ['ec2:TerminateInstances', 'ec2:RebootInstances', 'ec2:GetConsoleOutput'];

const taggedButNotOurs: AdversarialCase[] = [
  ...instanceActionsOfHarness.flatMap((action) => [
    harness(
      `${action} on an instance with copied tags and another team's profile`,
      req(action, instance(), foreignInstance(profile('payments-prod'))),
    ),
    harness(`${action} on an instance with copied tags and no profile`, req(action, instance(), foreignInstance())),
    harness(
      `${action} on a harness-profile instance without the run tag`,
      req(action, instance(), { 'ec2:InstanceProfile': OUR_PROFILE }),
    ),
    harness(`${action} on an untagged instance`, req(action, instance())),
  ]),
  harness(
    'terminate an instance whose profile is named like the harness outside its path',
    req('ec2:TerminateInstances', instance(), foreignInstance(profile('ecs-taskrole-r1-instance-minimal'))),
  ),
];

const logsAndReads: AdversarialCase[] = [
  harness('delete another log group', req('logs:DeleteLogGroup', logGroup('/aws/lambda/payments'), HAS_RUN_TAG)),
  harness(
    'delete a harness-path log group without the run tag',
    req('logs:DeleteLogGroup', logGroup('/ecs-taskrole/someone')),
  ),
  harness(
    'change the retention of a harness-path log group without the run tag',
    req('logs:PutRetentionPolicy', logGroup('/ecs-taskrole/someone')),
  ),
  harness(
    'create a log group outside the harness path',
    req('logs:CreateLogGroup', logGroup('/aws/lambda/payments'), { ...RUN_TAGS, 'aws:TagKeys': RUN_TAG_KEYS }),
  ),
  harness(
    'create a log group with an extra ABAC tag',
    req('logs:CreateLogGroup', logGroup('/ecs-taskrole/r1'), {
      ...RUN_TAGS,
      'aws:RequestTag/team': 'platform-admin',
      'aws:TagKeys': [...RUN_TAG_KEYS, 'team'],
    }),
  ),
  harness(
    'read another log stream',
    req('logs:GetLogEvents', `${logGroup('/aws/lambda/payments')}:log-stream:2026/12/03`),
  ),
  harness('subscribe to a log group (exfiltrate it)', req('logs:PutSubscriptionFilter', logGroup('/ecs-taskrole/r1'))),
  harness('set a logs resource policy', req('logs:PutResourcePolicy', '*')),
  harness(
    'read another SSM parameter (a SecureString)',
    req('ssm:GetParameter', `arn:aws:ssm:${r}:${a}:parameter/prod/db/password`),
  ),
  harness(
    'read every parameter under /aws/service',
    req('ssm:GetParametersByPath', `arn:aws:ssm:${r}:${a}:parameter/aws/service`),
  ),
  harness(
    'read several parameters at once',
    req('ssm:GetParameters', `arn:aws:ssm:${r}:${a}:parameter/prod/db/password`),
  ),
  harness(
    'read a secret',
    req('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${r}:${a}:secret:prod/db-AbCdEf`),
  ),
  harness("assume another team's role", req('sts:AssumeRole', PAYMENTS_TASK_ROLE)),
  harness('list every bucket', req('s3:ListAllMyBuckets', '*')),
];

export const ADVERSARIAL_CLASSES: AdversarialClass[] = [
  { name: 'boundary escape (a created role with Allow * under the boundary)', cases: boundaryEscapes },
  { name: "another team's ECS (clusters, container instances, tasks, task definitions)", cases: crossTeamEcs },
  { name: 'IAM escalation (boundary, roles, instance profiles, ABAC tags)', cases: iamEscalations },
  { name: 'PassRole (wrong service, no service, roles not the run’s)', cases: passRole },
  { name: 'EC2 launch reach (AMI owner, tenancy, type, profile, tags, network extras)', cases: ec2Launches },
  { name: 'instances tagged but not the harness’s (terminate, reboot, console)', cases: taggedButNotOurs },
  { name: 'logs, parameters and other reads', cases: logsAndReads },
];

/** Multi-step attacks: every step must fail on its own (defence in depth, not only the first). */
export const ADVERSARIAL_CHAINS: AdversarialClass[] = [
  {
    name: "stolen harness credential → another team's task-role credentials (the 9-step chain)",
    cases: [
      harness(
        '1. register an instance into their cluster directly',
        req('ecs:RegisterContainerInstance', cluster(PAYMENTS)),
      ),
      harness(
        '2. create a role without the boundary to register with',
        req('iam:CreateRole', OURS, { ...RUN_TAGS, 'aws:TagKeys': RUN_TAG_KEYS }),
      ),
      harness(
        '3. attach the ECS instance policy to an unbounded role',
        req('iam:AttachRolePolicy', OURS, { 'iam:PolicyARN': ECS_INSTANCE_POLICY }),
      ),
      harness(
        '4. pass their instance role to EC2',
        req('iam:PassRole', role('team-payments/payments-ecs-instance'), {
          'iam:PassedToService': 'ec2.amazonaws.com',
        }),
      ),
      harness(
        '5. launch with their instance profile',
        launch({ 'ec2:InstanceProfile': profile('team-payments/payments-ecs-instance') }),
      ),
      asRole(
        '6. as a harness instance, register into their cluster',
        req('ecs:RegisterContainerInstance', cluster(PAYMENTS)),
      ),
      asRole(
        '7. poll their cluster for tasks (and their credentials)',
        req('ecs:Poll', containerInstance(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
      ),
      asRole('8. report their task as running', req('ecs:SubmitTaskStateChange', cluster(PAYMENTS))),
      asRole('9. assume their task role directly', req('sts:AssumeRole', PAYMENTS_TASK_ROLE)),
    ],
  },
  {
    name: 'tag an instance → have the harness terminate it',
    cases: [
      harness(
        'copy the run tags onto their instance (with a stolen credential)',
        req('ec2:CreateTags', instance(), RUN_TAGS),
      ),
      harness(
        'terminate it (copied tags, their profile)',
        req('ec2:TerminateInstances', instance(), foreignInstance(profile('payments-prod'))),
      ),
      harness('reboot it', req('ec2:RebootInstances', instance(), foreignInstance(profile('payments-prod')))),
      harness(
        'read its console (their user data output)',
        req('ec2:GetConsoleOutput', instance(), foreignInstance(profile('payments-prod'))),
      ),
    ],
  },
  {
    name: 'pass an unbounded role',
    cases: [
      harness(
        'create it under the harness path',
        req('iam:CreateRole', OURS, { ...RUN_TAGS, 'aws:TagKeys': RUN_TAG_KEYS }),
      ),
      harness(
        'take the boundary off a harness role',
        req('iam:DeleteRolePermissionsBoundary', OURS, { 'iam:PermissionsBoundary': BOUNDARY }),
      ),
      harness(
        "pass another team's role to ECS tasks",
        req('iam:PassRole', PAYMENTS_TASK_ROLE, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }),
      ),
      harness(
        "put another team's role into a harness instance profile",
        req('iam:PassRole', role('team-payments/payments-ecs-instance')),
      ),
      harness(
        'launch with an instance profile outside the harness path',
        launch({ 'ec2:InstanceProfile': profile('admin') }),
      ),
    ],
  },
  {
    name: 'escalate through a created role',
    cases: [
      harness(
        'give a harness role an administrator policy',
        req('iam:AttachRolePolicy', OURS, {
          'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess',
          'iam:PermissionsBoundary': BOUNDARY,
        }),
      ),
      asRole('as the role, create a user', req('iam:CreateUser', `arn:aws:iam::${a}:user/backdoor`)),
      asRole('as the role, make itself an access key', req('iam:CreateAccessKey', `arn:aws:iam::${a}:user/backdoor`)),
      asRole('as the role, rewrite its trust policy', req('iam:UpdateAssumeRolePolicy', OURS)),
      asRole('as the role, launch an instance with an admin profile', req('ec2:RunInstances', ec2('instance'))),
    ],
  },
  {
    name: "drain another team's cluster",
    cases: [
      asRole(
        'set their instances to DRAINING',
        req('ecs:UpdateContainerInstancesState', containerInstance(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
      ),
      harness('deregister their instances', req('ecs:DeregisterContainerInstance', cluster(PAYMENTS))),
      asRole(
        'deregister their instances as an instance role',
        req('ecs:DeregisterContainerInstance', cluster(PAYMENTS)),
      ),
      harness('stop their tasks', req('ecs:StopTask', task(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) })),
    ],
  },
  {
    name: "read another team's task secrets",
    cases: [
      harness(
        'describe their running tasks',
        req('ecs:DescribeTasks', task(PAYMENTS), { 'ecs:cluster': cluster(PAYMENTS) }),
      ),
      harness(
        'run their task definition in a harness cluster',
        req('ecs:RunTask', taskDefinition('payments-api'), { 'ecs:cluster': cluster(OUR_CLUSTER) }),
      ),
      harness('read their log streams', req('logs:GetLogEvents', `${logGroup('/ecs/payments-api')}:log-stream:api/x`)),
      asRole('pull their image', req('ecr:BatchGetImage', `arn:aws:ecr:${r}:${a}:repository/payments/api`)),
    ],
  },
];
