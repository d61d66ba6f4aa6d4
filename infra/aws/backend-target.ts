import { InfrastructureError } from '../../model/errors.ts';
import type { Backend } from '../../reports/results-schema.ts';
import { credentialsOf } from '../lab/control-plane/identities.ts';
import { labUp } from '../lab/control-plane/lab-lifecycle.ts';
import { readLabState } from '../lab/lab-state.ts';
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

export const LOCALSTACK_ENDPOINT_ENV = 'ECS_TASKROLE_LOCALSTACK_ENDPOINT';
export const PROXY_URL_ENV = 'ECS_TASKROLE_PROXY_URL';

/** For provisioning: starts the lab (control and data plane) when it is not running. */
export async function openBackend(backend: Backend, region: string): Promise<BackendTarget> {
  if (backend === 'lab') {
    const { lab, reused } = await labUp(undefined, { dataPlane: true });
    return { ...labTarget(), startedLab: !reused && lab.dataPlane !== undefined };
  }
  return { ...backendTarget(backend, region), startedLab: false };
}

/** For the cell and teardown processes: the backend provisioning opened. */
export function backendTarget(backend: Backend, region: string): Omit<BackendTarget, 'startedLab'> {
  const proxyUrl = process.env[PROXY_URL_ENV];
  if (backend === 'lab') return labTarget();
  if (backend === 'localstack') {
    return {
      target: {
        region,
        endpoint: process.env[LOCALSTACK_ENDPOINT_ENV] ?? 'http://localhost:4566',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 2,
      },
      ...(proxyUrl ? { proxyUrl } : {}),
    };
  }
  return { target: { region }, ...(proxyUrl ? { proxyUrl } : {}) };
}

function labTarget(): Omit<BackendTarget, 'startedLab'> {
  const lab = readLabState();
  if (!lab?.dataPlane)
    throw new InfrastructureError('the lab is not running with its data plane; run `ecs-taskrole lab up`');
  return {
    target: {
      region: lab.region,
      endpoint: lab.endpoint,
      credentials: credentialsOf(lab.identities.harness),
      maxAttempts: 1,
    },
    taskEndpoint: lab.dataPlane.endpointForInstances,
    proxyUrl: lab.dataPlane.proxyUrl,
  };
}
