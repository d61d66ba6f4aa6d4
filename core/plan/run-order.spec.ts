import { expect, test } from '@playwright/test';
import { rebootedBeforeCells } from '../matrix/dimensions.ts';
import { loadMatrix } from '../matrix/index.ts';
import { planMatrix } from './plan.ts';
import { estimatedDurationMs, estimatedReadyMs, runOrder } from './run-order.ts';

/** The default workers on the lab (2 cores). */
const WORKERS = 4;

test('without earlier results, retrying clients facing a failing endpoint start first, never-placed cells last', async () => {
  const plan = planMatrix(await loadMatrix());
  const order = runOrder(plan.cells, new Map(), WORKERS);
  const byId = new Map(plan.cells.map((cell) => [cell.id, cell]));
  const first = byId.get(order[0] ?? '');
  expect(first?.expected.outcome).toBe('ENDPOINT_ERROR');
  // Cells whose instance is ready at the start go longest first.
  const ready = order.flatMap((id) => byId.get(id) ?? []).filter((cell) => estimatedReadyMs(cell) === 0);
  for (let i = 1; i < ready.length; i += 1) {
    expect(estimatedDurationMs(ready[i - 1] as (typeof ready)[number])).toBeGreaterThanOrEqual(
      estimatedDurationMs(ready[i] as (typeof ready)[number]),
    );
  }
  expect(ready.at(-1)?.expected.outcome).toMatch(/NOT_PLACED|ROLE_NOT_ASSUMABLE/);
  expect(new Set(order)).toEqual(new Set(plan.cells.map((cell) => cell.id)));
});

test("a rebooted group's cells do not take a worker at the start to wait for the reboot", async () => {
  const plan = planMatrix(await loadMatrix());
  const byId = new Map(plan.cells.map((cell) => [cell.id, cell]));
  const isRebooted = (id: string) => rebootedBeforeCells(byId.get(id)?.dimensions.hostRules ?? 'none');
  expect(plan.cells.some((cell) => rebootedBeforeCells(cell.dimensions.hostRules))).toBe(true);
  for (const workers of [1, 4, 14]) {
    const order = runOrder(plan.cells, new Map(), workers);
    expect(order.slice(0, workers).filter(isRebooted), `${workers} worker(s)`).toEqual([]);
    expect(order).toHaveLength(plan.cells.length);
  }
  // Longest first would have put them among the first four (ENDPOINT_ERROR with a retrying client).
  const longestFirst = [...plan.cells].sort((a, b) => estimatedDurationMs(b) - estimatedDurationMs(a));
  expect(longestFirst.slice(0, 8).some((cell) => rebootedBeforeCells(cell.dimensions.hostRules))).toBe(true);
});

test("earlier results decide: a cell's last duration outranks every estimate; ties keep the plan's order", async () => {
  const plan = planMatrix(await loadMatrix());
  const ids = plan.cells.filter((cell) => !rebootedBeforeCells(cell.dimensions.hostRules)).map((cell) => cell.id);
  const previous = new Map(plan.cells.map((cell) => [cell.id, 1_000]));
  previous.set('baseline', 90_000);
  const order = runOrder(plan.cells, previous, WORKERS);
  expect(order[0]).toBe('baseline');
  expect(order.filter((id) => ids.includes(id)).slice(1)).toEqual(ids.filter((id) => id !== 'baseline'));
});
