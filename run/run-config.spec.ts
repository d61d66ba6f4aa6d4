import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { CELL_TASK_MEMORY_MIB, HARNESS_INSTANCE_TASK_MEMORY_MIB } from '../core/caps.ts';
import { defaultWorkers } from './backends.ts';

const knownGood = JSON.parse(readFileSync(new URL('../fixtures/known-good-task.json', import.meta.url), 'utf8')) as {
  containerDefinitions: Array<{ memory: number }>;
};

test('the cell task memory the worker default counts on is the known-good task definition’s', () => {
  expect(knownGood.containerDefinitions.map((container) => container.memory)).toEqual([CELL_TASK_MEMORY_MIB]);
});

test('on AWS the default workers fit on one instance: all of them may run cells of one instance group', async () => {
  const workers = await defaultWorkers('aws');
  expect(workers * CELL_TASK_MEMORY_MIB).toBeLessThanOrEqual(HARNESS_INSTANCE_TASK_MEMORY_MIB);
  expect((workers + 1) * CELL_TASK_MEMORY_MIB).toBeGreaterThan(HARNESS_INSTANCE_TASK_MEMORY_MIB);
});
