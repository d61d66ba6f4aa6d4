import { useResource } from '../../../testing/use-resource.ts';
import { createLabNetwork, type LabNetwork } from '../network/lab-network.ts';

/** One lab network for a spec file's tests (created before the first, closed after the last). */
export function useLabNetwork(): () => LabNetwork {
  return useResource('the lab network', () => createLabNetwork());
}
