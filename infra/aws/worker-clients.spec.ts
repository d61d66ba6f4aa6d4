import { expect, test } from '@playwright/test';
import type { AwsClients } from './clients.ts';
import { WorkerClients } from './worker-clients.ts';

/** Stand-ins that only record their life: made for which region, destroyed or not. */
function recorder() {
  const made: { region: string; destroyed: boolean }[] = [];
  const create = (target: { region: string }) => {
    const entry = { region: target.region, destroyed: false };
    made.push(entry);
    return entry as unknown as AwsClients;
  };
  const destroy = (clients: AwsClients) => {
    (clients as unknown as { destroyed: boolean }).destroyed = true;
  };
  return { made, clients: new WorkerClients({ create, destroy }) };
}

test("a worker's cells share one client set per backend; closing the worker destroys it", () => {
  const { made, clients } = recorder();
  const first = clients.of('lab-record', { region: 'us-west-2' });
  expect(clients.of('lab-record', { region: 'us-west-2' })).toBe(first);
  expect(made).toEqual([{ region: 'us-west-2', destroyed: false }]);
  clients.close();
  expect(made).toEqual([{ region: 'us-west-2', destroyed: true }]);
  // Closing twice destroys nothing twice; a later cell gets new clients.
  clients.close();
  clients.of('lab-record', { region: 'us-west-2' });
  expect(made.map((entry) => entry.destroyed)).toEqual([true, false]);
});

test("another backend's clients replace the first, which are destroyed", () => {
  const { made, clients } = recorder();
  clients.of('lab-record', { region: 'us-west-2' });
  clients.of('aws-record', { region: 'eu-west-1' });
  expect(made).toEqual([
    { region: 'us-west-2', destroyed: true },
    { region: 'eu-west-1', destroyed: false },
  ]);
});
