/**
 * The backend profiles by name: the one place the harness and the simulator meet. The harness (infra/)
 * knows only the profile interface (infra/backends/profile.ts) and the AWS profile; the lab and LocalStack
 * (whose instances the lab's data plane boots) come through the lab's only door, lab/index.ts, loaded only
 * when one of them is chosen: a run on AWS never loads the simulator (architecture.spec.ts).
 */
import type { BackendName } from '../core/run-config.ts';
import { awsProfile } from '../infra/backends/aws.ts';
import type { BackendProfile } from '../infra/backends/profile.ts';

const PROFILES: Record<BackendName, () => Promise<BackendProfile>> = {
  lab: async () => (await import('../lab/index.ts')).labProfile,
  aws: async () => awsProfile,
  localstack: async () => (await import('../lab/index.ts')).localstackProfile,
};

export function backendProfile(backend: BackendName): Promise<BackendProfile> {
  return PROFILES[backend]();
}
