import { expect, test } from '@playwright/test';
import { selectCells } from './selection.ts';

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
