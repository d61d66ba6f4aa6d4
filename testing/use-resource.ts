import { test } from '@playwright/test';

/** A resource a spec makes and ends: a lab, a host, a network. */
export type EndableResource = { destroy(): Promise<void> } | { close(): Promise<void> };

/**
 * One resource for the tests of a spec file or describe block (call it there): made in its beforeAll, ended
 * (destroy or close) in its afterAll. Returns its getter, which throws if a test runs without it (its
 * beforeAll failed).
 */
export function useResource<T extends EndableResource>(name: string, make: () => Promise<T>): () => T {
  let resource: T | undefined;
  test.beforeAll(async () => {
    resource = await make();
  });
  test.afterAll(async () => {
    if (resource === undefined) return;
    await ('destroy' in resource ? resource.destroy() : resource.close());
  });
  return () => {
    if (resource === undefined) throw new Error(`${name} is made in beforeAll`);
    return resource;
  };
}
