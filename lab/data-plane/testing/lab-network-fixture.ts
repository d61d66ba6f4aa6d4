import { test } from '@playwright/test';
import { createLabNetwork, type LabNetwork } from '../network/lab-network.ts';

/** One lab network for a spec file's tests (created before the first, closed after the last). */
export function useLabNetwork(): () => LabNetwork {
  let lab: LabNetwork | undefined;
  test.beforeAll(async () => {
    lab = await createLabNetwork();
  });
  test.afterAll(async () => {
    await lab?.close();
  });
  return () => {
    if (!lab) throw new Error('the lab network is created in beforeAll');
    return lab;
  };
}
