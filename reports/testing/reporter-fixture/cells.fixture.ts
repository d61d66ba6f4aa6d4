import { test } from '@playwright/test';
import { cellWith } from '../../../core/testing/cell-fixture.ts';
import { HOSTILE_LINE, syntheticResults } from '../synthetic-results.ts';

test('provision', async () => {
  await test.info().attach('run-metadata', {
    contentType: 'application/json',
    body: JSON.stringify({
      ...syntheticResults({ cells: 1, runId: 'run-fixture' }).run,
      finishedAt: undefined,
      durationMs: undefined,
    }),
  });
});

const CELLS = [
  cellWith({}),
  cellWith({ network: 'host' }, 'INSTANCE_ROLE_DENIED', { log: [HOSTILE_LINE] }),
  cellWith({ taskIamRoleFlag: 'false' }),
  cellWith({ rpsLimit: '1,1', load: 'burst' }),
  cellWith({ client: 'sdk-js-v2-2016' }),
];

for (const cell of CELLS) {
  test(cell.id, async () => {
    await test.info().attach('cell-result', { contentType: 'application/json', body: JSON.stringify(cell) });
  });
}

test('client=awscli-v1', () => {
  throw new Error('worker process exited unexpectedly (simulated crash)');
});
