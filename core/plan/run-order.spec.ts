import { expect, test } from '@playwright/test';
import { loadMatrix } from '../matrix/index.ts';
import { planMatrix } from './plan.ts';
import { estimatedDurationMs, runOrder } from './run-order.ts';

test('without earlier results, retrying clients facing a failing endpoint start first, never-placed cells last', async () => {
  const plan = planMatrix(await loadMatrix());
  const order = runOrder(plan.cells);
  const byId = new Map(plan.cells.map((cell) => [cell.id, cell]));
  const estimate = (id: string) => {
    const cell = byId.get(id);
    return cell ? estimatedDurationMs(cell) : -1;
  };
  const first = order[0] ?? '';
  expect(plan.cells.find((cell) => cell.id === first)?.expected.outcome).toBe('ENDPOINT_ERROR');
  for (let i = 1; i < order.length; i += 1)
    expect(estimate(order[i - 1] ?? '')).toBeGreaterThanOrEqual(estimate(order[i] ?? ''));
  expect(new Set(order)).toEqual(new Set(plan.cells.map((cell) => cell.id)));
});

test("earlier results decide: a cell's last duration outranks every estimate; ties keep the plan's order", async () => {
  const plan = planMatrix(await loadMatrix());
  const ids = plan.cells.map((cell) => cell.id);
  const previous = new Map(ids.map((id) => [id, 1_000]));
  previous.set('baseline', 90_000);
  const order = runOrder(plan.cells, previous);
  expect(order[0]).toBe('baseline');
  expect(order.slice(1)).toEqual(ids.filter((id) => id !== 'baseline'));
});
