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

export function authorizationOf(
  service: string,
  operation: string,
  input: Input,
  output: Input | undefined,
  region: string,
): Authorization {
  const one = (action: string, resource: string, context: AuthorizedAction['context'] = {}): Authorization => ({
    actions: [{ action: `${service}:${action}`, resource, context }],
    created: [],
  });
  const key = `${service}:${operation}`;
  switch (key) {
    case 'iam:CreateRole': {
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
    case 'iam:AttachRolePolicy':
    case 'iam:DetachRolePolicy':
      return one(operation, roleArn(str(input.RoleName)), { 'iam:PolicyARN': str(input.PolicyArn) });
    case 'iam:PutRolePolicy':
    case 'iam:DeleteRolePolicy':
    case 'iam:ListRolePolicies':
    case 'iam:ListAttachedRolePolicies':
    case 'iam:ListRoleTags':
    case 'iam:GetRole':
    case 'iam:DeleteRole':
      return one(operation, roleArn(str(input.RoleName)));
    case 'iam:CreateInstanceProfile': {
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
    case 'iam:AddRoleToInstanceProfile':
      // The API reference: the caller needs iam:PassRole on the role (the profile is for EC2 instances).
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
    case 'iam:RemoveRoleFromInstanceProfile':
    case 'iam:GetInstanceProfile':
    case 'iam:DeleteInstanceProfile':
      return one(operation, profileArn(str(input.InstanceProfileName)));
    case 'ssm:GetParameter':
      return amiParameter(input, output, region);
    case 'ec2:RunInstances':
      return runInstances(input, output, region);
    case 'ec2:TerminateInstances':
    case 'ec2:RebootInstances':
      return {
        actions: ((input.InstanceIds as string[] | undefined) ?? []).map((id) => ({
          action: key,
          resource: `arn:aws:ec2:${region}:${ACCOUNT}:instance/${id}`,
          context: {},
        })),
        created: [],
      };
    case 'ec2:GetConsoleOutput':
      return one(operation, `arn:aws:ec2:${region}:${ACCOUNT}:instance/${str(input.InstanceId)}`);
    case 'ecs:CreateCluster': {
      const arn = clusterArn(region, str(input.clusterName));
      const tags = tagMap(input.tags);
      return {
        actions: [
          { action: key, resource: arn, context: requestTags(tags) },
          ...(Object.keys(tags).length > 0
            ? [
                {
                  action: 'ecs:TagResource',
                  resource: arn,
                  context: { ...requestTags(tags), 'ecs:CreateAction': operation },
                },
              ]
            : []),
        ],
        created: [{ arn, tags }],
      };
    }
    case 'ecs:DeleteCluster':
    case 'ecs:DescribeClusters':
    case 'ecs:ListContainerInstances':
    case 'ecs:DeregisterContainerInstance': {
      const clusters =
        key === 'ecs:DescribeClusters' ? ((input.clusters as string[] | undefined) ?? []) : [str(input.cluster)];
      return {
        actions: clusters.map((cluster) => ({ action: key, resource: clusterArn(region, cluster), context: {} })),
        created: [],
      };
    }
    case 'ecs:DescribeContainerInstances':
      return {
        actions: ((input.containerInstances as string[] | undefined) ?? []).map((arn) => ({
          action: key,
          resource: arn,
          context: { 'ecs:cluster': clusterArn(region, str(input.cluster)) },
        })),
        created: [],
      };
    case 'ecs:RegisterTaskDefinition':
      return registerTaskDefinition(input, region);
    case 'ecs:DeleteTaskDefinitions':
      return {
        actions: ((input.taskDefinitions as string[] | undefined) ?? []).map((value) => ({
          action: key,
          resource: taskDefinitionArn(region, value),
          context: {},
        })),
        created: [],
      };
    case 'ecs:RunTask':
      return one(operation, taskDefinitionArn(region, str(input.taskDefinition)), {
        'ecs:cluster': clusterArn(region, str(input.cluster)),
      });
    case 'ecs:DescribeTasks':
    case 'ecs:StopTask': {
      const tasks = key === 'ecs:StopTask' ? [str(input.task)] : ((input.tasks as string[] | undefined) ?? []);
      return {
        actions: tasks.map((task) => ({
          action: key,
          resource: task,
          context: { 'ecs:cluster': clusterArn(region, str(input.cluster)) },
        })),
        created: [],
      };
    }
    case 'logs:CreateLogGroup': {
      const arn = logGroupArn(region, str(input.logGroupName));
      const tags = tagMap(input.tags);
      return {
        actions: [
          { action: key, resource: arn, context: requestTags(tags) },
          ...(Object.keys(tags).length > 0
            ? [{ action: 'logs:TagResource', resource: arn, context: requestTags(tags) }]
            : []),
        ],
        created: [{ arn, tags }],
      };
    }
    case 'logs:DeleteLogGroup':
    case 'logs:PutRetentionPolicy':
      return one(operation, logGroupArn(region, str(input.logGroupName)));
    case 'logs:ListTagsForResource':
      return one(operation, str(input.resourceArn));
    case 'logs:GetLogEvents':
      return one(operation, `${logGroupArn(region, str(input.logGroupName))}:log-stream:${str(input.logStreamName)}`);
    default:
      // List and Describe calls without resource-level permissions (ListRoles, DescribeInstances, …).
      return one(operation, '*');
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
