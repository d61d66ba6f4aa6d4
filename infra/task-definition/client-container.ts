/**
 * The container of a cell's task: image, install step and evidence lines per client, wrapped per process
 * variant, exactly as docs/task-images.md describes. The same definition runs on AWS and in the lab.
 * Scripts travel base64-encoded to avoid shell quoting.
 */
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { SEED_INSTALL_EXIT_MARK, SEED_INSTALL_MARK } from '../../core/results/seed-install.ts';
import { GO_CLIENT_BINARY, GOLANG_IMAGE, type GoClientId, goInstallCommand } from './go-client.ts';
import { IMDS_READER_SOURCE } from './imds-reader.ts';

export type ClientId = 'awscli-v2' | 'awscli-v1' | 'sdk-js-v3' | 'sdk-js-v2' | 'sdk-js-v2-2016' | GoClientId;
export type ProcessVariant =
  | 'pid1'
  | 'env-reset-child'
  | 'env-reset-child-profile-fix'
  | 'sibling-container'
  | 'sibling-container-env-forwarded'
  | 'imds-metadata-reader';

export const CLIENTS: readonly ClientId[] = [
  'awscli-v2',
  'awscli-v1',
  'sdk-js-v3',
  'sdk-js-v2',
  'sdk-js-v2-2016',
  'sdk-go-v1',
  'sdk-go-v2',
];

export function isGoClient(client: ClientId): client is GoClientId {
  return client === 'sdk-go-v1' || client === 'sdk-go-v2';
}

/**
 * Amazon Linux from Amazon ECR Public, pinned to one AL2023 release (Docker Hub's copy is pulled
 * anonymously, with per-IP limits on a busy night; `2023` moves every week). Tags:
 * gallery.ecr.aws/amazonlinux/amazonlinux.
 */
export const AMAZON_LINUX_IMAGE = 'public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0';

const IMAGE: Record<ClientId, string> = {
  'awscli-v2': AMAZON_LINUX_IMAGE,
  'awscli-v1': 'public.ecr.aws/docker/library/python:3.11-slim',
  'sdk-js-v3': 'public.ecr.aws/docker/library/node:22-slim',
  'sdk-js-v2': 'public.ecr.aws/docker/library/node:22-slim',
  'sdk-js-v2-2016': 'public.ecr.aws/docker/library/node:22-slim',
  'sdk-go-v1': GOLANG_IMAGE,
  'sdk-go-v2': GOLANG_IMAGE,
};

/**
 * Exact versions from the public registries (npm, PyPI): a task holds a role while it installs, so a
 * release published tomorrow never runs in it. They are the versions the lab's images serve
 * (lab/images, images.spec.ts checks each). awscli-2 comes from the image's own Amazon Linux
 * repository, fixed by the image (docs/task-images.md: pin the images by digest where that matters).
 */
export const INSTALL: Record<ClientId, string> = {
  'awscli-v2': 'dnf install -y awscli-2',
  'awscli-v1': "pip install -q 'awscli==1.45.11'",
  'sdk-js-v3': 'npm install -s @aws-sdk/client-sts@3.1162.0 @aws-sdk/client-ecs@3.1162.0',
  'sdk-js-v2': 'npm install -s aws-sdk@2.1693.0',
  'sdk-js-v2-2016': 'npm install -s aws-sdk@2.4.6',
  'sdk-go-v1': goInstallCommand('sdk-go-v1'),
  'sdk-go-v2': goInstallCommand('sdk-go-v2'),
};

/** The client runs in the seed's own image (Amazon Linux), where the seed's `yum install` means something. */
export function runsSeedImage(client: ClientId): boolean {
  return IMAGE[client] === AMAZON_LINUX_IMAGE;
}

/**
 * The profile fix reads /proc/1/environ with `strings` (binutils), which none of the three images has:
 * installed first with the image's own package manager (yum on Amazon Linux, apt on the Debian-based
 * ones), as a platform team would have to on AWS.
 */
function installBinutils(client: ClientId): string {
  return IMAGE[client] === AMAZON_LINUX_IMAGE
    ? 'yum install -y binutils'
    : 'apt-get update -qq && apt-get install -y -qq binutils';
}

/**
 * The task container of a sibling-container cell: the Docker CLI from Docker's official image (Alpine, with
 * sh and base64), pinned to one release on ECR Public.
 */
export const DOCKER_CLI_IMAGE = 'public.ecr.aws/docker/library/docker:27.5.1-cli';

/** The host's Docker socket, mounted into the task as CI runners mount it. */
export const DOCKER_SOCKET = '/var/run/docker.sock';
export const DOCKER_SOCKET_VOLUME = 'docker-socket';

/** The task-definition volume a sibling-container cell mounts: the host's Docker socket. */
export const DOCKER_SOCKET_VOLUMES = [{ name: DOCKER_SOCKET_VOLUME, host: { sourcePath: DOCKER_SOCKET } }];

export function isSiblingVariant(variant: ProcessVariant): boolean {
  return variant === 'sibling-container' || variant === 'sibling-container-env-forwarded';
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * The cluster and region reach the scripts as environment variables of the task definition, never as text
 * inside them: the scripts are constants.
 */
export const CLUSTER_VARIABLE = 'ECS_TASKROLE_CLUSTER';
export const REGION_VARIABLE = 'ECS_TASKROLE_REGION';

const NODE_V3 = `const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
const { ECSClient, ListTasksCommand } = require('@aws-sdk/client-ecs');
console.log('container-credentials-variable: ' + (process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ? 'set' : 'unset'));
(async () => {
  try { const id = await new STSClient({ region: process.env.${REGION_VARIABLE} }).send(new GetCallerIdentityCommand({}));
    console.log(JSON.stringify({ UserId: id.UserId, Account: id.Account, Arn: id.Arn })); }
  catch (e) { console.log(e.name + ': ' + e.message); process.exitCode = 1; }
  try { const r = await new ECSClient({ region: process.env.${REGION_VARIABLE} }).send(new ListTasksCommand({ cluster: process.env.${CLUSTER_VARIABLE} }));
    console.log(JSON.stringify({ taskArns: r.taskArns })); }
  catch (e) { console.log(e.name + ': ' + e.message); process.exitCode = 1; }
})();`;

const NODE_V2 = `const AWS = require('aws-sdk');
AWS.config.update({ region: process.env.${REGION_VARIABLE} });
console.log('container-credentials-variable: ' + (process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ? 'set' : 'unset'));
(async () => {
  try { const id = await new AWS.STS().getCallerIdentity({}).promise();
    console.log(JSON.stringify({ UserId: id.UserId, Account: id.Account, Arn: id.Arn })); }
  catch (e) { console.log(e.name + ': ' + e.message); process.exitCode = 1; }
  try { const r = await new AWS.ECS().listTasks({ cluster: process.env.${CLUSTER_VARIABLE} }).promise();
    console.log(JSON.stringify({ taskArns: r.taskArns })); }
  catch (e) { console.log(e.name + ': ' + e.message); process.exitCode = 1; }
})();`;

/** Steps 2–4 of docs/task-images.md for one client, as shell. */
export function clientScript(client: ClientId): string {
  if (client === 'awscli-v1' || client === 'awscli-v2') {
    const region = `--region "$${REGION_VARIABLE}"`;
    return `aws sts get-caller-identity ${region}; aws ecs list-tasks --cluster "$${CLUSTER_VARIABLE}" ${region}`;
  }
  // The program reads the cluster and region variables itself (fixtures/go-client).
  if (isGoClient(client)) return GO_CLIENT_BINARY;
  const script = client === 'sdk-js-v3' ? NODE_V3 : NODE_V2;
  return `node -e "$(echo ${b64(script)} | base64 -d)"`;
}

/**
 * The seed's literal install as a step of its own (`taskMemory: seed` on the seed's image), before the
 * harness's install: its command and its exit status framed by marker lines, its output (stderr too) between
 * them, so results show what it did whatever the harness's install then does. Its text is the seed's
 * (fixtures/known-good-task.json), passed base64-encoded.
 */
export function seedInstallStep(command: string): string {
  const decoded = `"$(echo ${b64(command)} | base64 -d)"`;
  return `s=${decoded}; echo "${SEED_INSTALL_MARK}$s"; eval "$s" 2>&1; echo "${SEED_INSTALL_EXIT_MARK}$?"`;
}

/** `process: imds-metadata-reader`: PID 1 reads region and instance id from IMDS first (imds-reader.ts). */
export function imdsReaderStep(client: ClientId): string {
  if (isGoClient(client))
    throw new Error(`process imds-metadata-reader has no reader for ${client} (no python or node)`);
  return client === 'awscli-v1' || client === 'awscli-v2'
    ? `python3 -c "$(echo ${b64(IMDS_READER_SOURCE.python)} | base64 -d)"`
    : `node -e "$(echo ${b64(IMDS_READER_SOURCE.node)} | base64 -d)"`;
}

/** Step 1 (`load=burst`): N concurrent credential GETs, status codes only. */
export function burstScript(client: ClientId, fetches: number): string {
  if (client === 'awscli-v1' || client === 'awscli-v2') {
    const python = `import concurrent.futures, os, urllib.request, urllib.error
url = 'http://169.254.170.2' + os.environ.get('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', '')
def get(_):
    try:
        return urllib.request.urlopen(url, timeout=5).status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:
        return 0
with concurrent.futures.ThreadPoolExecutor(${fetches}) as pool:
    codes = list(pool.map(get, range(${fetches})))
print('burst: %d fetches, %d throttled (429), %d errors' % (len(codes), codes.count(429), sum(1 for c in codes if c not in (200, 429))))`;
    return `python3 -c "$(echo ${b64(python)} | base64 -d)"`;
  }
  const node = `const url = 'http://169.254.170.2' + (process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || '');
Promise.all(Array.from({ length: ${fetches} }, () => fetch(url).then((r) => r.status, () => 0))).then((codes) =>
  console.log('burst: ' + codes.length + ' fetches, ' + codes.filter((c) => c === 429).length + ' throttled (429), ' + codes.filter((c) => c !== 200 && c !== 429).length + ' errors'));`;
  return `node -e "$(echo ${b64(node)} | base64 -d)"`;
}

export interface ClientContainerOptions {
  client: ClientId;
  variant: ProcessVariant;
  cluster: string;
  region: string;
  /** The AWS endpoint the clients call (the lab's); unset on AWS. */
  endpoint?: string;
  burst?: number;
  /** The seed's literal install command, run as its own step first (seed-replay cells on the seed's image). */
  seedInstall?: string;
  extraEnvironment?: Array<{ name: string; value: string }>;
}

/** The container definition fields (image, entryPoint, command, environment) for one client cell. */
export function clientContainer(options: ClientContainerOptions): Partial<ContainerDefinition> {
  const steps = [options.burst ? burstScript(options.client, options.burst) : '', clientScript(options.client)]
    .filter(Boolean)
    .join('; ');
  const environment = [
    { name: CLUSTER_VARIABLE, value: options.cluster },
    { name: REGION_VARIABLE, value: options.region },
    ...(options.endpoint ? [{ name: 'AWS_ENDPOINT_URL', value: options.endpoint }] : []),
    ...(options.extraEnvironment ?? []),
  ];
  // A supervisor with a clean environment keeps only the task definition's own entries, PATH and HOME.
  const kept = ['PATH', 'HOME', ...environment.map((entry) => entry.name)]
    .map((name) => `${name}="$${name}"`)
    .join(' ');
  if (isSiblingVariant(options.variant)) return siblingContainer(options, steps, environment);
  return {
    name: options.client,
    image: IMAGE[options.client],
    entryPoint: ['/bin/sh', '-c'],
    command: [`${installSteps(options)}; ${wrappedSteps(options, steps, kept)}`],
    environment,
  };
}

/** The seed's own install when the cell replays it, then the harness's install of the client. */
function installSteps(options: ClientContainerOptions): string {
  const seed = options.seedInstall ? `${seedInstallStep(options.seedInstall)}; ` : '';
  return `${seed}${INSTALL[options.client]}`;
}

/** The client's steps as the cell's process runs them (the sibling variants aside). */
function wrappedSteps(options: ClientContainerOptions, steps: string, kept: string): string {
  const encoded = `"$(echo ${b64(steps)} | base64 -d)"`;
  switch (options.variant) {
    case 'env-reset-child':
      return `env -i ${kept} sh -c ${encoded}`;
    case 'env-reset-child-profile-fix':
      return `${installBinutils(options.client)}; echo 'export $(strings /proc/1/environ | grep AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)' >> /root/.profile; env -i ${kept} sh -l -c ${encoded}`;
    case 'imds-metadata-reader':
      return `${imdsReaderStep(options.client)}; eval ${encoded}`;
    default:
      return `eval ${encoded}`;
  }
}

/**
 * A sibling-container cell: the task runs the Docker CLI with the host's socket mounted, and starts the
 * client's image beside itself (`docker run`, attached: its output is the task's). Like a CI runner, it
 * passes on the task definition's own variables by name (`-e NAME`: the CLI takes the value from its own
 * environment); the -env-forwarded variant also names AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.
 */
function siblingContainer(
  options: ClientContainerOptions,
  steps: string,
  environment: Array<{ name: string; value: string }>,
): Partial<ContainerDefinition> {
  const forwarded = environment.map((entry) => entry.name);
  if (options.variant === 'sibling-container-env-forwarded') forwarded.push('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
  const script = `${installSteps(options)}; ${steps}`;
  const run = [
    'docker run --rm',
    ...forwarded.map((name) => `-e ${name}`),
    IMAGE[options.client],
    `/bin/sh -c "$(echo ${b64(script)} | base64 -d)"`,
  ].join(' ');
  return {
    name: options.client,
    image: DOCKER_CLI_IMAGE,
    entryPoint: ['/bin/sh', '-c'],
    command: [run],
    environment,
    mountPoints: [{ sourceVolume: DOCKER_SOCKET_VOLUME, containerPath: DOCKER_SOCKET, readOnly: false }],
  };
}

/** The caller identity ARN a client printed (CLI's pretty JSON or the node scripts' one line). */
export function callerArn(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const match = /"Arn"\s*:\s*"([^"]+)"/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}
