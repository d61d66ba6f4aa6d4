import { test } from '@playwright/test';

/**
 * One resource for the tests of a spec file or describe block (call it there): made in its beforeAll, ended
 * in its afterAll. Returns its getter, which throws if a test runs without it (its beforeAll failed).
 */
export function useResource<T>(name: string, make: () => Promise<T>, end: (resource: T) => Promise<void>): () => T {
  let resource: T | undefined;
  test.beforeAll(async () => {
    resource = await make();
  });
  test.afterAll(async () => {
    if (resource !== undefined) await end(resource);
  });
  return () => {
    if (resource === undefined) throw new Error(`${name} is made in beforeAll`);
    return resource;
  };
}
