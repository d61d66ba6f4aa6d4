import { InfrastructureError } from '../../core/errors.ts';
import type { Backend } from '../../core/results/results-schema.ts';
import { credentialsOf, labUp, readLabState } from '../lab/index.ts';
import { LOCALSTACK_CREDENTIALS } from '../localstack/localstack-options.ts';
import type { AwsTarget } from './clients.ts';

/** Where a backend's AWS APIs live, and what tasks need to reach them. */
export interface BackendTarget {
  target: AwsTarget;
  /** The AWS endpoint tasks call (the lab's, as instances reach it); unset on AWS. */
  taskEndpoint?: string;
  /** The HTTP proxy for proxy cells (the lab's own, or ECS_TASKROLE_PROXY_URL). */
  proxyUrl?: string;
  /** The lab was started for this run (its teardown stops it again). */
  startedLab: boolean;
}

/** What a run's processes read from their environment (`run` sets them for LocalStack). */
export const BACKEND_ENV = {
  /** The LocalStack to use. */
  localstackEndpoint: 'ECS_TASKROLE_LOCALSTACK_ENDPOINT',
  /** The AWS endpoint tasks call: LocalStack as the lab's instances reach it. */
  taskEndpoint: 'ECS_TASKROLE_TASK_ENDPOINT',
  /** The HTTP proxy for proxy cells (on AWS: yours). */
  proxyUrl: 'ECS_TASKROLE_PROXY_URL',
} as const;

/** LocalStack's standard edge port, for `sweep --backend localstack` outside a run. */
export const DEFAULT_LOCALSTACK_ENDPOINT = 'http://localhost:4566';

/** For provisioning: starts the lab (control and data plane) when it is not running. */
export async function openBackend(backend: Backend, region: string): Promise<BackendTarget> {
  if (backend === 'lab') {
    const { reused } = await labUp(undefined, { dataPlane: true });
    return { ...labTarget(), startedLab: !reused };
  }
  return { ...backendTarget(backend, region), startedLab: false };
}

/**
 * For the cell and teardown processes: the backend provisioning opened. On LocalStack, `run` started it
 * with the lab's data plane and says where through the environment (localstack-wiring.ts).
 */
export function backendTarget(
  backend: Backend,
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): Omit<BackendTarget, 'startedLab'> {
  const proxyUrl = env[BACKEND_ENV.proxyUrl];
  if (backend === 'lab') return labTarget();
  if (backend === 'localstack') {
    const taskEndpoint = env[BACKEND_ENV.taskEndpoint];
    return {
      target: {
        region,
        endpoint: env[BACKEND_ENV.localstackEndpoint] ?? DEFAULT_LOCALSTACK_ENDPOINT,
        credentials: LOCALSTACK_CREDENTIALS,
        maxAttempts: 2,
      },
      ...(taskEndpoint ? { taskEndpoint } : {}),
      ...(proxyUrl ? { proxyUrl } : {}),
    };
  }
  return { target: { region }, ...(proxyUrl ? { proxyUrl } : {}) };
}

/** The lab's control plane as the harness identity; with its data plane, what tasks need (sweep needs none). */
function labTarget(): Omit<BackendTarget, 'startedLab'> {
  const lab = readLabState();
  if (!lab) throw new InfrastructureError('the lab is not running; run `ecs-taskrole lab up`');
  return {
    target: {
      region: lab.region,
      endpoint: lab.endpoint,
      credentials: credentialsOf(lab.identities.harness),
      maxAttempts: 1,
    },
    ...(lab.dataPlane ? { taskEndpoint: lab.dataPlane.endpointForInstances, proxyUrl: lab.dataPlane.proxyUrl } : {}),
  };
}
