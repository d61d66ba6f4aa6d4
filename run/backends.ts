/**
 * The backend profiles by name: the one place the harness and the simulator meet. The harness (infra/)
 * knows only the profile interface (infra/backends/profile.ts) and the AWS profile; the lab and LocalStack
 * (whose instances the lab's data plane boots) come through the lab's only door, lab/index.ts, loaded only
 * when one of them is chosen: a run on AWS never loads the simulator (architecture.spec.ts).
 */
import type { BackendName, LabAgent } from '../core/run-config.ts';
import { awsProfile } from '../infra/backends/aws.ts';
import type { BackendProfile } from '../infra/backends/profile.ts';

const PROFILES: Record<BackendName, (labAgent: LabAgent) => Promise<BackendProfile>> = {
  lab: async (labAgent) => {
    const lab = await import('../lab/index.ts');
    return labAgent === 'real' ? lab.realAgentLabProfile : lab.labProfile;
  },
  aws: async () => awsProfile,
  localstack: async () => (await import('../lab/index.ts')).localstackProfile,
};

/** The backend's profile; on the lab, its figures follow the ECS agent it runs (`--lab-agent`). */
export function backendProfile(backend: BackendName, labAgent: LabAgent = 'model'): Promise<BackendProfile> {
  return PROFILES[backend](labAgent);
}

/** Cells at once without `--workers`: the backend's own default (the lab's from this machine's CPU headroom). */
export async function defaultWorkers(backend: BackendName = 'lab', labAgent: LabAgent = 'model'): Promise<number> {
  return (await backendProfile(backend, labAgent)).defaultWorkers();
}
