/**
 * The backend profiles by name: the one place the harness and the simulator meet. The harness (infra/)
 * knows only the profile interface (infra/backends/profile.ts) and the AWS profile; the lab and LocalStack
 * (whose instances the lab's data plane boots) come through the lab's only door, lab/index.ts.
 */
import type { BackendName } from '../core/run-config.ts';
import { awsProfile } from '../infra/backends/aws.ts';
import type { BackendProfile } from '../infra/backends/profile.ts';
import { labProfile, localstackProfile } from '../lab/index.ts';

const PROFILES: Record<BackendName, BackendProfile> = {
  lab: labProfile,
  aws: awsProfile,
  localstack: localstackProfile,
};

export function backendProfile(backend: BackendName): BackendProfile {
  return PROFILES[backend];
}

/** Cells at once without `--workers`: the backend's own default (the lab's from this machine's CPU headroom). */
export function defaultWorkers(backend: BackendName = 'lab'): number {
  return backendProfile(backend).defaultWorkers();
}
