import { readFileSync } from 'node:fs';
import type { ContainerDefinition, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { BadInputError } from '../../core/errors.ts';
import { proxyUrlProblem } from '../../core/input/proxy-url.ts';
import { credentialFetchesOf } from '../../core/matrix/dimensions.ts';
import type { PlannedCell } from '../../core/plan/plan.ts';
import {
  clientContainer,
  DOCKER_SOCKET_VOLUMES,
  isGoClient,
  isSiblingVariant,
  runsSeedImage,
} from './client-container.ts';

/** The seeds' known-good task definition (troubleshoot-task-iam-roles.md), as the console shows it. */
const KNOWN_GOOD: RegisterTaskDefinitionCommandInput & { containerDefinitions: ContainerDefinition[] } = JSON.parse(
  readFileSync(new URL('../../fixtures/known-good-task.json', import.meta.url), 'utf8'),
);

/**
 * The seed's own install, its command's first statement (`yum install -y aws-cli`): a seed-replay cell runs
 * it literally as a check of its own, before the harness's install that makes the cell work.
 */
export function seedInstallCommand(): string {
  const command = KNOWN_GOOD.containerDefinitions[0]?.command?.[0] ?? '';
  const install = command.split(';')[0]?.trim();
  if (!install) throw new Error('fixtures/known-good-task.json has no install command');
  return install;
}

/** The addresses the documented NO_PROXY keeps off the proxy (IMDS and the credentials endpoint). */
export const DOCUMENTED_NO_PROXY = '169.254.169.254,169.254.170.2';

/**
 * A NO_PROXY written for IMDS alone (`taskProxy: with-no-proxy-imds-only`), as EC2-era settings carried over
 * to ECS often are: clients that proxy the container-credentials request (Go, Java) send it to the proxy.
 */
export const IMDS_ONLY_NO_PROXY = '169.254.169.254';

/**
 * The hard memory limit (MiB) of the harness's client container. The seed's 128 MiB holds the seed's own
 * command, but the harness's installs are bigger: dnf loading AL2023's repository metadata, `npm install` of
 * the SDKs and the node or Python process of the client itself (peaks in docs/task-images.md). A container
 * past its limit is OOM-killed (exit 137, "OutOfMemoryError: Container killed due to memory usage"), which
 * would hide the credential outcome the cell is about.
 */
export const CLIENT_MEMORY_MIB = 512;

/**
 * The Go clients are compiled in their task on AWS (docs/task-images.md): the go command runs up to one
 * compiler per vCPU, each measured at about 250 MiB peak for aws-sdk-go's service packages, so two on a
 * t3.small pass 512 MiB.
 */
export const GO_CLIENT_MEMORY_MIB = 1024;

/** The seed task definition's hard limit (fixtures/known-good-task.json), replayed by `taskMemory: seed` cells. */
export const SEED_MEMORY_MIB = 128;

export function clientMemoryMib(client: PlannedCell['dimensions']['client']): number {
  return isGoClient(client) ? GO_CLIENT_MEMORY_MIB : CLIENT_MEMORY_MIB;
}

export interface TaskDefinitionContext {
  /** Family prefix unique to the run: `<prefix>-<n>`. */
  family: string;
  cluster: string;
  region: string;
  logGroup: string;
  /** The task role for this cell's trust/policy variant; omitted when the cell's taskRole is `unset`. */
  taskRoleArn?: string;
  /** The execution role, given to `taskRolePolicy: on-execution-role` cells only. */
  executionRoleArn?: string;
  /** The AWS endpoint tasks call (the lab's); unset on AWS. */
  endpoint?: string;
  /** The HTTP proxy for `taskProxy` cells. */
  proxyUrl?: string;
  tags: { key: string; value: string }[];
}

/**
 * A cell's task definition: the known-good one with the cell's network mode, client image and command,
 * process wrapper, proxy environment and task role. Nothing else changes.
 */
export function taskDefinitionFor(
  cell: PlannedCell,
  context: TaskDefinitionContext,
): RegisterTaskDefinitionCommandInput {
  const d = cell.dimensions;
  const seed = KNOWN_GOOD.containerDefinitions[0];
  if (!seed) throw new Error('fixtures/known-good-task.json has no container definition');
  const client = clientContainer({
    client: d.client,
    variant: d.process,
    cluster: context.cluster,
    region: context.region,
    endpoint: context.endpoint,
    burst: credentialFetchesOf(d.load) || undefined,
    ...(d.taskMemory === 'seed' && runsSeedImage(d.client) ? { seedInstall: seedInstallCommand() } : {}),
    extraEnvironment: proxyEnvironment(d.taskProxy, context.proxyUrl),
  });
  return {
    family: context.family,
    requiresCompatibilities: KNOWN_GOOD.requiresCompatibilities,
    networkMode: d.network,
    ...(d.taskRole === 'set' && context.taskRoleArn ? { taskRoleArn: context.taskRoleArn } : {}),
    ...(d.taskRolePolicy === 'on-execution-role' ? { executionRoleArn: requireExecutionRole(context) } : {}),
    ...(isSiblingVariant(d.process) ? { volumes: DOCKER_SOCKET_VOLUMES } : {}),
    containerDefinitions: [
      {
        ...seed,
        ...client,
        memory: d.taskMemory === 'seed' ? SEED_MEMORY_MIB : clientMemoryMib(d.client),
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            ...seed.logConfiguration?.options,
            'awslogs-group': context.logGroup,
            'awslogs-region': context.region,
          },
        },
      },
    ],
    tags: context.tags,
  };
}

function requireExecutionRole(context: TaskDefinitionContext): string {
  if (!context.executionRoleArn) throw new Error("taskRolePolicy=on-execution-role needs the run's execution role");
  return context.executionRoleArn;
}

function proxyEnvironment(
  taskProxy: PlannedCell['dimensions']['taskProxy'],
  proxyUrl: string | undefined,
): { name: string; value: string }[] {
  if (taskProxy === 'none') return [];
  const problem = proxyUrl ? proxyUrlProblem(proxyUrl) : `taskProxy=${taskProxy} needs a proxy URL`;
  // The grammar again before a task definition carries it (ecs:DescribeTaskDefinition shows it to anyone).
  if (problem || !proxyUrl)
    throw new BadInputError([{ file: 'task definition', path: 'proxy URL', message: problem ?? '' }]);
  const proxy = [
    { name: 'HTTP_PROXY', value: proxyUrl },
    { name: 'HTTPS_PROXY', value: proxyUrl },
  ];
  if (taskProxy === 'with-no-proxy') return [...proxy, { name: 'NO_PROXY', value: DOCUMENTED_NO_PROXY }];
  if (taskProxy === 'with-no-proxy-imds-only') return [...proxy, { name: 'NO_PROXY', value: IMDS_ONLY_NO_PROXY }];
  return proxy;
}

/** The awslogs stream of a task's container: `prefix/container/task-id`. */
export function logStreamOf(definition: RegisterTaskDefinitionCommandInput, taskArn: string): string {
  const container = definition.containerDefinitions?.[0];
  const prefix = container?.logConfiguration?.options?.['awslogs-stream-prefix'] ?? '';
  return `${prefix}/${container?.name ?? ''}/${taskArn.split('/').pop() ?? ''}`;
}
