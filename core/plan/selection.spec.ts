import { expect, test } from '@playwright/test';
import { refuseEmptySelection, selectCells } from './selection.ts';

const plan = {
  cells: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
  instanceGroups: [
    { id: 'g1', cells: ['a', 'b'] },
    { id: 'g2', cells: ['c'] },
  ],
};

test('only the selected cells, and only the instance groups that hold one (with just those cells)', () => {
  expect(selectCells(plan, new Set(['b']))).toEqual({
    cells: [{ id: 'b' }],
    instanceGroups: [{ id: 'g1', cells: ['b'] }],
  });
});

test('selecting every cell keeps the plan as it is', () => {
  expect(selectCells(plan, new Set(['a', 'b', 'c']))).toEqual(plan);
});

test.describe('a selection with no cell is refused, naming what selected it and the matrix', () => {
  const matrix = { file: 'm.yaml', name: 'm', cells: plan.cells, instanceGroups: 2 };
  test('--grep', () =>
    expect(() => refuseEmptySelection({ cells: [] }, matrix, { grep: '^x$' })).toThrow(
      'm.yaml: --grep "^x$" selects none of the 3 cells of matrix "m" (cell ids look like a, b, c;',
    ));
  test('--shard past the instance groups', () =>
    expect(() => refuseEmptySelection({ cells: [] }, matrix, { shard: { index: 3, total: 3 } })).toThrow(
      '--shard 3/3 selects none of the 3 cells of matrix "m"; it has 2 instance group(s), so at most 2 shard(s) get cells',
    ));
  test('a selection with cells passes', () =>
    expect(() => refuseEmptySelection({ cells: [{}] }, matrix, { grep: 'a' })).not.toThrow());
});
