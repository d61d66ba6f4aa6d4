/**
 * What IAM authorizes for one SDK request of the harness: the actions (the operation's own and the ones AWS
 * adds, such as tagging on creation or passing a role), each with its resource ARN and the request's
 * condition keys. What a request creates (or learns: the AMI an AWS public parameter names) is noted too, so
 * an evaluator can supply what AWS knows of the resource (`aws:ResourceTag/…`, `iam:PermissionsBoundary`,
 * `ec2:InstanceProfile`, `ec2:Owner`) for later requests on it. Pure; it sees only names, ARNs, tags and
 * instance types, never credentials, user data or policy documents.
 */
import { IAM_PATH } from './tags.ts';

/** Stands for the caller's account where only a name is known; the evaluator fills it in. */
export const ACCOUNT = '{account}';

export interface AuthorizedAction {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

export interface CreatedResource {
  arn: string;
  tags: Record<string, string>;
  permissionsBoundary?: string;
  /** Other condition keys AWS takes from the resource itself (an instance's profile, an image's owner). */
  context?: Record<string, string>;
}

export interface Authorization {
  actions: AuthorizedAction[];
  created: CreatedResource[];
}

type Input = Record<string, unknown>;
type Tag = { Key?: string; Value?: string; key?: string; value?: string };

const tagMap = (tags: unknown): Record<string, string> => {
  if (!tags) return {};
  if (Array.isArray(tags)) {
    return Object.fromEntries((tags as Tag[]).map((t) => [t.Key ?? t.key ?? '', t.Value ?? t.value ?? '']));
  }
  return { ...(tags as Record<string, string>) };
};

const requestTags = (tags: Record<string, string>): Record<string, string | string[]> =>
  Object.keys(tags).length === 0
    ? {}
    : {
        ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
        'aws:TagKeys': Object.keys(tags),
      };

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Every role and instance profile the harness names lives under IAM_PATH (roles.ts). */
const roleArn = (name: string) => (name.startsWith('arn:') ? name : `arn:aws:iam::${ACCOUNT}:role${IAM_PATH}${name}`);
const profileArn = (name: string) => `arn:aws:iam::${ACCOUNT}:instance-profile${IAM_PATH}${name}`;
const clusterArn = (region: string, cluster: string) =>
  cluster.startsWith('arn:') ? cluster : `arn:aws:ecs:${region}:${ACCOUNT}:cluster/${cluster || 'default'}`;
const logGroupArn = (region: string, name: string) => `arn:aws:logs:${region}:${ACCOUNT}:log-group:${name}`;

/** One SDK request as the functions below read it; `key` is `service:Operation`, the IAM action. */
interface Request {
  operation: string;
  key: string;
  input: Input;
  output: Input | undefined;
  region: string;
}

export function authorizationOf(
  service: string,
  operation: string,
  input: Input,
  output: Input | undefined,
  region: string,
): Authorization {
  const request = { operation, key: `${service}:${operation}`, input, output, region };
  // List and Describe calls without resource-level permissions (ListRoles, DescribeInstances, …): any resource.
  return BY_SERVICE[service]?.(request) ?? one(request, '*');
}

/** Per service: the authorization of the requests it knows, undefined for one on any resource. */
const BY_SERVICE: Record<string, (request: Request) => Authorization | undefined> = {
  iam: iamAuthorization,
  ssm: (request) =>
    request.key === 'ssm:GetParameter' ? amiParameter(request.input, request.output, request.region) : undefined,
  ec2: ec2Authorization,
  ecs: ecsAuthorization,
  logs: logsAuthorization,
};

/** The request's own action on one resource. */
function one(request: Request, resource: string, context: AuthorizedAction['context'] = {}): Authorization {
  return { actions: [{ action: request.key, resource, context }], created: [] };
}

/** The request's own action on each of several resources, with one context. */
function each(
  request: Request,
  resources: readonly string[],
  context: AuthorizedAction['context'] = {},
): Authorization {
  return { actions: resources.map((resource) => ({ action: request.key, resource, context })), created: [] };
}

const list = (value: unknown): string[] => (value as string[] | undefined) ?? [];

function iamAuthorization(request: Request): Authorization | undefined {
  const { input } = request;
  switch (request.operation) {
    case 'CreateRole':
      return createRole(input);
    case 'AttachRolePolicy':
    case 'DetachRolePolicy':
      return one(request, roleArn(str(input.RoleName)), { 'iam:PolicyARN': str(input.PolicyArn) });
    case 'PutRolePolicy':
    case 'DeleteRolePolicy':
    case 'ListRolePolicies':
    case 'ListAttachedRolePolicies':
    case 'ListRoleTags':
    case 'GetRole':
    case 'DeleteRole':
      return one(request, roleArn(str(input.RoleName)));
    case 'CreateInstanceProfile':
      return createInstanceProfile(input);
    case 'AddRoleToInstanceProfile':
      return addRoleToInstanceProfile(input);
    case 'RemoveRoleFromInstanceProfile':
    case 'GetInstanceProfile':
    case 'DeleteInstanceProfile':
      return one(request, profileArn(str(input.InstanceProfileName)));
    default:
      return undefined;
  }
}

function createRole(input: Input): Authorization {
  const arn = `arn:aws:iam::${ACCOUNT}:role${str(input.Path) || '/'}${str(input.RoleName)}`;
  const tags = tagMap(input.Tags);
  const boundary = str(input.PermissionsBoundary);
  const create = {
    action: 'iam:CreateRole',
    resource: arn,
    context: { ...requestTags(tags), ...(boundary ? { 'iam:PermissionsBoundary': boundary } : {}) },
  };
  const tag =
    Object.keys(tags).length > 0 ? [{ action: 'iam:TagRole', resource: arn, context: requestTags(tags) }] : [];
  return {
    actions: [create, ...tag],
    created: [{ arn, tags, ...(boundary ? { permissionsBoundary: boundary } : {}) }],
  };
}

function createInstanceProfile(input: Input): Authorization {
  const arn = `arn:aws:iam::${ACCOUNT}:instance-profile${str(input.Path) || '/'}${str(input.InstanceProfileName)}`;
  const tags = tagMap(input.Tags);
  const tag =
    Object.keys(tags).length > 0
      ? [{ action: 'iam:TagInstanceProfile', resource: arn, context: requestTags(tags) }]
      : [];
  return {
    actions: [{ action: 'iam:CreateInstanceProfile', resource: arn, context: requestTags(tags) }, ...tag],
    created: [{ arn, tags }],
  };
}

/** The API reference: the caller needs iam:PassRole on the role (the profile is for EC2 instances). */
function addRoleToInstanceProfile(input: Input): Authorization {
  return {
    actions: [
      { action: 'iam:AddRoleToInstanceProfile', resource: profileArn(str(input.InstanceProfileName)), context: {} },
      {
        action: 'iam:PassRole',
        resource: roleArn(str(input.RoleName)),
        // The API reference: the role is associated with EC2 instances, `arn:aws:ec2:*:<account>:instance/*`.
        context: {
          'iam:PassedToService': 'ec2.amazonaws.com',
          'iam:AssociatedResourceArn': `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
        },
      },
    ],
    created: [],
  };
}

function ec2Authorization(request: Request): Authorization | undefined {
  const { input, region } = request;
  const instanceArn = (id: string) => `arn:aws:ec2:${region}:${ACCOUNT}:instance/${id}`;
  switch (request.operation) {
    case 'RunInstances':
      return runInstances(input, request.output, region);
    case 'TerminateInstances':
    case 'RebootInstances':
      return each(request, list(input.InstanceIds).map(instanceArn));
    case 'GetConsoleOutput':
      return one(request, instanceArn(str(input.InstanceId)));
    default:
      return undefined;
  }
}

function ecsAuthorization(request: Request): Authorization | undefined {
  const { input, region } = request;
  const inCluster = { 'ecs:cluster': clusterArn(region, str(input.cluster)) };
  switch (request.operation) {
    case 'CreateCluster':
      return createCluster(request);
    case 'DescribeClusters':
      return each(
        request,
        list(input.clusters).map((cluster) => clusterArn(region, cluster)),
      );
    case 'DeleteCluster':
    case 'ListContainerInstances':
    case 'DeregisterContainerInstance':
      return one(request, clusterArn(region, str(input.cluster)));
    case 'DescribeContainerInstances':
      return each(request, list(input.containerInstances), inCluster);
    case 'RegisterTaskDefinition':
      return registerTaskDefinition(input, region);
    case 'DeleteTaskDefinitions':
      return each(
        request,
        list(input.taskDefinitions).map((value) => taskDefinitionArn(region, value)),
      );
    case 'RunTask':
      return one(request, taskDefinitionArn(region, str(input.taskDefinition)), inCluster);
    case 'DescribeTasks':
      return each(request, list(input.tasks), inCluster);
    case 'StopTask':
      return one(request, str(input.task), inCluster);
    default:
      return undefined;
  }
}

function createCluster(request: Request): Authorization {
  const arn = clusterArn(request.region, str(request.input.clusterName));
  const tags = tagMap(request.input.tags);
  const tag =
    Object.keys(tags).length > 0
      ? [
          {
            action: 'ecs:TagResource',
            resource: arn,
            context: { ...requestTags(tags), 'ecs:CreateAction': request.operation },
          },
        ]
      : [];
  return {
    actions: [{ action: request.key, resource: arn, context: requestTags(tags) }, ...tag],
    created: [{ arn, tags }],
  };
}

function logsAuthorization(request: Request): Authorization | undefined {
  const { input, region } = request;
  const group = logGroupArn(region, str(input.logGroupName));
  switch (request.operation) {
    case 'CreateLogGroup': {
      const tags = tagMap(input.tags);
      const tag =
        Object.keys(tags).length > 0
          ? [{ action: 'logs:TagResource', resource: group, context: requestTags(tags) }]
          : [];
      return {
        actions: [{ action: request.key, resource: group, context: requestTags(tags) }, ...tag],
        created: [{ arn: group, tags }],
      };
    }
    case 'DeleteLogGroup':
    case 'PutRetentionPolicy':
      return one(request, group);
    case 'ListTagsForResource':
      return one(request, str(input.resourceArn));
    case 'GetLogEvents':
      return one(request, `${group}:log-stream:${str(input.logStreamName)}`);
    default:
      return undefined;
  }
}

/**
 * The AMI parameters live under `/aws/service/`, which only AWS publishes: the image a parameter names is
 * Amazon's (`ec2:Owner` = `amazon`, the alias EC2 gives the owner of Amazon's public AMIs).
 */
function amiParameter(input: Input, output: Input | undefined, region: string): Authorization {
  const name = str(input.Name);
  const value = str((output?.Parameter as { Value?: unknown } | undefined)?.Value);
  const image = value.startsWith('{') ? imageIdOf(value) : value;
  const learnt =
    name.startsWith('/aws/service/') && /^ami-[0-9a-f]+$/.test(image)
      ? [{ arn: `arn:aws:ec2:${region}::image/${image}`, tags: {}, context: { 'ec2:Owner': 'amazon' } }]
      : [];
  return {
    actions: [
      { action: 'ssm:GetParameter', resource: `arn:aws:ssm:${region}:${ACCOUNT}:parameter${name}`, context: {} },
    ],
    created: learnt,
  };
}

/** The `image_id` of a JSON parameter value (the `recommended` parameters); '' if it has none. */
function imageIdOf(json: string): string {
  try {
    return str((JSON.parse(json) as { image_id?: unknown }).image_id);
  } catch {
    return '';
  }
}

/** `family`, `family:revision` or an ARN → the task definition ARN IAM sees. */
function taskDefinitionArn(region: string, value: string): string {
  if (value.startsWith('arn:')) return value;
  return `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${value.includes(':') ? value : `${value}:*`}`;
}

function registerTaskDefinition(input: Input, region: string): Authorization {
  const arn = `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${str(input.family)}:*`;
  const tags = tagMap(input.tags);
  const taskRole = str(input.taskRoleArn);
  return {
    actions: [
      { action: 'ecs:RegisterTaskDefinition', resource: arn, context: requestTags(tags) },
      ...(Object.keys(tags).length > 0
        ? [
            {
              action: 'ecs:TagResource',
              resource: arn,
              context: { ...requestTags(tags), 'ecs:CreateAction': 'RegisterTaskDefinition' },
            },
          ]
        : []),
      // ECS checks that the caller may pass the task role when it is used (RunTask); the role is named here.
      ...(taskRole
        ? [
            {
              action: 'iam:PassRole',
              resource: taskRole,
              context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
            },
          ]
        : []),
    ],
    created: [{ arn, tags }],
  };
}

/** RunInstances is authorized per resource it uses or creates; tags apply to the kinds they are specified for. */
function runInstances(input: Input, output: Input | undefined, region: string): Authorization {
  const specs = (input.TagSpecifications as { ResourceType?: string; Tags?: Tag[] }[] | undefined) ?? [];
  const tagsFor = (type: string) => tagMap(specs.find((spec) => spec.ResourceType === type)?.Tags);
  const instanceTags = tagsFor('instance');
  const volumeTags = tagsFor('volume');
  const ec2 = (type: string, id = '*', account = ACCOUNT) => `arn:aws:ec2:${region}:${account}:${type}/${id}`;
  const profile = (input.IamInstanceProfile as { Name?: string } | undefined)?.Name;
  const actions: AuthorizedAction[] = [
    {
      action: 'ec2:RunInstances',
      resource: ec2('instance'),
      context: {
        ...requestTags(instanceTags),
        'ec2:InstanceType': str(input.InstanceType),
        // Without Placement.Tenancy an instance takes its VPC's tenancy: `default` in a default VPC.
        'ec2:Tenancy': str((input.Placement as { Tenancy?: string } | undefined)?.Tenancy) || 'default',
        ...(profile ? { 'ec2:InstanceProfile': profileArn(profile) } : {}),
      },
    },
    { action: 'ec2:RunInstances', resource: ec2('volume'), context: requestTags(volumeTags) },
    // Its owner (ec2:Owner) is the image's own: the evaluator supplies it from what the harness learnt of it.
    { action: 'ec2:RunInstances', resource: ec2('image', str(input.ImageId), ''), context: {} },
    { action: 'ec2:RunInstances', resource: ec2('subnet'), context: {} },
    { action: 'ec2:RunInstances', resource: ec2('network-interface'), context: {} },
    { action: 'ec2:RunInstances', resource: ec2('security-group'), context: {} },
  ];
  for (const [type, tags] of [
    ['instance', instanceTags],
    ['volume', volumeTags],
  ] as const) {
    if (Object.keys(tags).length > 0) {
      actions.push({
        action: 'ec2:CreateTags',
        resource: ec2(type),
        context: { ...requestTags(tags), 'ec2:CreateAction': 'RunInstances' },
      });
    }
  }
  // Passing the instance profile's role to EC2: its name is the profile's (roles.ts).
  if (profile) {
    actions.push({
      action: 'iam:PassRole',
      resource: roleArn(profile),
      context: { 'iam:PassedToService': 'ec2.amazonaws.com', 'iam:AssociatedResourceArn': ec2('instance') },
    });
  }
  // What later requests on an instance are conditioned on: its tags and its instance profile.
  const profileContext = profile ? { context: { 'ec2:InstanceProfile': profileArn(profile) } } : {};
  const launched = ((output?.Instances as { InstanceId?: string }[] | undefined) ?? []).flatMap((i) =>
    i.InstanceId ? [{ arn: ec2('instance', i.InstanceId), tags: instanceTags, ...profileContext }] : [],
  );
  return { actions, created: launched };
}
