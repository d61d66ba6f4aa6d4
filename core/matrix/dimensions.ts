/**
 * The dimensions a cell varies, their accepted values (baseline first) and what each means.
 * `rpsLimit` is the one free-form dimension: `default` or the literal ECS_TASK_METADATA_RPS_LIMIT value.
 */
export const DIMENSIONS = {
  ami: {
    values: ['al2023-ecs', 'al2-ecs', 'al1-ecs', 'al2023-plain'],
    describe: 'AMI profile; al2023-plain is not ECS-optimized (agent installed by user data)',
  },
  agentVersion: {
    values: ['1.101.2', '1.95.0'],
    describe:
      'the ECS agent release: plain AMIs run its container tag (public.ecr.aws/ecs/amazon-ecs-agent:v<version>); an ECS-optimized AMI carries its own agent, which results record. The lab builds each from source',
  },
  agentInstall: {
    values: ['container', 'ecs-init-package'],
    describe:
      "plain AMIs: the agent as the documented docker run of its container, or AL2023's own ecs-init package (dnf install ecs-init; systemctl enable --now --no-block ecs)",
  },
  hostRules: {
    values: ['documented', 'none', 'no-route-localnet', 'not-saved-rebooted', 'documented-rebooted'],
    describe:
      'plain AMIs: which of the documented manual iptables/sysctl rules user data adds (the -rebooted values: then a reboot)',
  },
  hostFirewall: {
    values: ['open', 'input-drop', 'input-drop-agent-ports'],
    describe:
      "the instance's INPUT chain: open (policy ACCEPT), input-drop (a CIS-hardened policy DROP: loopback and established traffic only), or that with an accept for the agent's ports (51679 after the DNAT, 51678)",
  },
  afterBoot: {
    values: ['none', 'rules-flushed', 'docker-restarted'],
    describe:
      'what changes while the agent runs, before any task: every iptables rule flushed (nat and filter, policies kept), or dockerd restarted (it puts its FORWARD rules back on top)',
  },
  network: {
    values: ['bridge', 'host', 'awsvpc'],
    describe: 'task network mode; awsvpc: the task in its own ENI (networkConfiguration in RunTask)',
  },
  taskIamRoleFlag: { values: ['true', 'false'], describe: 'ECS_ENABLE_TASK_IAM_ROLE in ecs.config' },
  networkHostFlag: {
    values: ['true', 'false'],
    describe: 'ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST in ecs.config',
  },
  awsvpcBlockImdsFlag: {
    values: ['false', 'true'],
    describe: 'ECS_AWSVPC_BLOCK_IMDS in ecs.config (awsvpc tasks: a blackhole route to IMDS in the task namespace)',
  },
  rpsLimit: {
    values: ['default'],
    describe:
      'ECS_TASK_METADATA_RPS_LIMIT: `default` (unset), `steady,burst` such as `1,1`, or `not-a-limit` (a malformed setting)',
  },
  agentProxy: {
    values: ['none', 'with-no-proxy', 'without-no-proxy'],
    describe: 'HTTP_PROXY for the ECS agent, with or without the documented NO_PROXY',
  },
  taskProxy: {
    values: ['none', 'with-no-proxy', 'without-no-proxy', 'with-no-proxy-imds-only'],
    describe:
      'HTTP(S)_PROXY in the task environment, with or without the documented NO_PROXY, or a NO_PROXY naming IMDS (169.254.169.254) but not 169.254.170.2',
  },
  trust: {
    values: ['ecs-tasks', 'ecs-tasks-source-account', 'ec2'],
    describe: 'task role trust policy principal (ecs-tasks.amazonaws.com, plus aws:SourceAccount, or ec2)',
  },
  taskRole: { values: ['set', 'unset'], describe: 'taskRoleArn present in the task definition' },
  passRole: {
    values: ['allowed', 'not-allowed'],
    describe:
      'whether the identity that calls RunTask may pass the task role (iam:PassRole); not-allowed: a task role the harness policy cannot pass',
  },
  taskRolePolicy: {
    values: ['list-tasks', 'none', 'on-execution-role'],
    describe: 'permission policy of the task role; on-execution-role: none, ecs:ListTasks on an execution role instead',
  },
  instanceRolePolicy: {
    values: ['minimal', 'list-tasks'],
    describe: 'instance role: minimal (ECS agent permissions only) or also ecs:ListTasks',
  },
  instanceRoleTrust: {
    values: ['ec2', 'ecs-tasks'],
    describe:
      "the instance role's trust policy: ec2.amazonaws.com, or ecs-tasks.amazonaws.com (a task role's trust copied onto it: EC2 cannot assume it)",
  },
  client: {
    values: ['awscli-v2', 'awscli-v1', 'sdk-js-v3', 'sdk-js-v2', 'sdk-js-v2-2016', 'sdk-go-v1', 'sdk-go-v2'],
    describe:
      'the client in the task; sdk-js-v2-2016 is aws-sdk 2.4.6, before container credentials; sdk-go-v1/v2 are aws-sdk-go 1.44 and aws-sdk-go-v2 (config 1.17), which send the credentials request through HTTP_PROXY',
  },
  process: {
    values: [
      'pid1',
      'env-reset-child',
      'env-reset-child-profile-fix',
      'sibling-container',
      'sibling-container-env-forwarded',
      'imds-metadata-reader',
    ],
    describe:
      "which process runs the client: PID 1, a clean-environment child, or that child with the .profile fix; sibling-container: a container the task starts through the host's Docker socket (docker run, as CI runners do), passing on the task definition's variables only; -env-forwarded: with -e AWS_CONTAINER_CREDENTIALS_RELATIVE_URI too; imds-metadata-reader: PID 1 first reads region and instance id from IMDS with an IMDSv2 token (falling back to none), as the X-Ray daemon and the CloudWatch agent do, then calls with the task role",
  },
  imds: {
    values: ['reachable', 'blocked', 'blocked-forward'],
    describe:
      'IMDS for bridge tasks: the documented DOCKER-USER drop rule, or the same drop inserted at the top of FORWARD instead (older guides)',
  },
  imdsOptions: {
    values: ['v2-hop2', 'v2-hop1', 'v1-hop1', 'v1-hop2'],
    describe:
      'instance metadata options: v2 = HttpTokens required, v1 = optional; hopN = HttpPutResponseHopLimit N (v2-hop2: the AL2023 AMI default)',
  },
  load: {
    values: ['single', 'burst', 'above-default-burst'],
    describe: "one credential fetch, a burst of 20 concurrent fetches, or 400 (above the agent's default burst of 60)",
  },
  taskMemory: {
    values: ['harness', 'seed'],
    describe:
      "the client container's hard memory limit: the harness's (512 MiB; 1,024 for the Go clients) or the seed task definition's 128 MiB",
  },
} as const satisfies Record<string, { values: readonly string[]; describe: string }>;

export type Dimension = keyof typeof DIMENSIONS;

/** Canonical order: ids, tables and plans list dimensions in this order. */
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as Dimension[];

type ValueOf<D extends Dimension> = (typeof DIMENSIONS)[D]['values'][number];

/** A fully specified cell. `rpsLimit` also accepts any literal agent setting. */
export type Dimensions = { [D in Dimension]: D extends 'rpsLimit' ? string : ValueOf<D> };

export type PartialDimensions = Partial<Dimensions>;

/** The known-good configuration of the seeds: the first value of every dimension. */
export const DEFAULT_BASELINE: Dimensions = Object.fromEntries(
  DIMENSION_NAMES.map((name) => [name, DIMENSIONS[name].values[0]]),
) as Dimensions;

/** Concurrent credential fetches a `burst` cell makes (below the agent's default burst of 60). */
export const BURST_FETCHES = 20;

/**
 * Concurrent credential fetches an `above-default-burst` cell makes: more than the agent's default bucket
 * (burst 60, refilled at 40 a second) can serve unless the fetches take longer than (400 − 60) / 40 = 8.5 s (a lab run on a machine
 * with a load of 48 spread 200 fetches over about 2.5 s: 39 throttled).
 */
export const ABOVE_DEFAULT_BURST_FETCHES = 400;

/** How many concurrent credential fetches a cell's `load` makes before its client runs (0: none). */
export function credentialFetchesOf(load: Dimensions['load']): number {
  if (load === 'burst') return BURST_FETCHES;
  if (load === 'above-default-burst') return ABOVE_DEFAULT_BURST_FETCHES;
  return 0;
}

export function isDimension(name: string): name is Dimension {
  return Object.hasOwn(DIMENSIONS, name);
}

/**
 * The one value of `rpsLimit` that is neither `default` nor `steady,burst`: the agent ignores a malformed
 * setting and uses 40,60, which the default matrix checks. Anything else is refused: a free-form value
 * could contain `=` or `,` and make two cells' ids collide, or carry text into user data.
 */
export const MALFORMED_RPS_LIMIT = 'not-a-limit';

/** `steady,burst`: two positive integers, as ECS_TASK_METADATA_RPS_LIMIT takes them. */
const RPS_LIMIT = /^[1-9][0-9]{0,5},[1-9][0-9]{0,5}$/;

export function acceptsValue(dimension: Dimension, value: string): boolean {
  if (dimension === 'rpsLimit') return value === 'default' || value === MALFORMED_RPS_LIMIT || RPS_LIMIT.test(value);
  return (DIMENSIONS[dimension].values as readonly string[]).includes(value);
}

export function acceptedValuesText(dimension: Dimension): string {
  const values = DIMENSIONS[dimension].values.join(', ');
  return dimension === 'rpsLimit'
    ? `${values}, steady,burst (two integers 1–999999, such as 1,1) or ${MALFORMED_RPS_LIMIT}`
    : values;
}

export function isEcsOptimized(ami: Dimensions['ami']): boolean {
  return ami !== 'al2023-plain';
}

/** ecs-init runs the agent (it adds the credentials rules and sets route_localnet): ECS AMIs, or its package. */
export function runsEcsInit(instance: Pick<Dimensions, 'ami' | 'agentInstall'>): boolean {
  return isEcsOptimized(instance.ami) || instance.agentInstall === 'ecs-init-package';
}

/** The client runs in a container the task started through the host's Docker socket, not in the task. */
export function runsInSiblingContainer(process: Dimensions['process']): boolean {
  return process === 'sibling-container' || process === 'sibling-container-env-forwarded';
}

/** The task's PID 1 reads IMDS for its own metadata (region, instance id) before its AWS calls. */
export function readsImdsMetadata(process: Dimensions['process']): boolean {
  return process === 'imds-metadata-reader';
}

/** The `hostRules` values whose instance the harness reboots after its user data, before any of its cells. */
const REBOOTED_HOST_RULES: ReadonlySet<string> = new Set(['not-saved-rebooted', 'documented-rebooted']);

export function rebootedBeforeCells(hostRules: Dimensions['hostRules']): boolean {
  return REBOOTED_HOST_RULES.has(hostRules);
}

/** The EC2 MetadataOptions an `imdsOptions` value stands for. */
export function metadataOptionsOf(value: Dimensions['imdsOptions']): {
  httpTokens: 'required' | 'optional';
  hopLimit: 1 | 2;
} {
  return { httpTokens: value.startsWith('v2-') ? 'required' : 'optional', hopLimit: value.endsWith('hop1') ? 1 : 2 };
}
