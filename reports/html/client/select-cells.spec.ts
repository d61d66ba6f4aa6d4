import { expect, test } from '@playwright/test';
import { cellWith } from '../../../core/testing/cell-fixture.ts';
import { syntheticResults } from '../../testing/synthetic-results.ts';
import { buildReportData } from '../report-data.ts';
import { pivotCells } from './select-cells.ts';
import { parseViewState } from './view-state.ts';

const data = buildReportData({
  ...syntheticResults({ cells: 1 }),
  cells: [
    cellWith({ ami: 'al2-ecs' }),
    cellWith({ ami: 'al2-ecs', client: 'awscli-v1' }, 'INFRA_ERROR'),
    cellWith({ ami: 'al2-ecs', client: 'sdk-js-v3' }, 'ENDPOINT_ERROR'),
    cellWith({ network: 'host' }),
  ],
});
const names = data.dimensions.map((dimension) => dimension.name);
const pivot = (hash: string) => pivotCells(data, parseViewState(hash, names, { rows: 'ami', cols: 'network' }));
const ids = (hash: string, row: string, col: string) =>
  pivot(hash)
    .slots.get(`${row}\u0000${col}`)
    ?.map((cell) => cell.id);

test('rows and columns list only values that occur, in the dimension order', () => {
  expect(pivot('')).toMatchObject({ rowValues: ['al2023-ecs', 'al2-ecs'], colValues: ['bridge', 'host'], shown: 4 });
});

test('a slot lists deviations, then cells without a verdict, then the rest', () => {
  expect(ids('', 'al2-ecs', 'bridge')).toEqual([
    'ami=al2-ecs,client=sdk-js-v3',
    'ami=al2-ecs,client=awscli-v1',
    'ami=al2-ecs',
  ]);
});

test('filters by dimension, outcome, verdict and id combine', () => {
  expect(pivot('#network=host').shown).toBe(1);
  expect(pivot('#outcome=INFRA_ERROR&outcome=ENDPOINT_ERROR').shown).toBe(2);
  expect(pivot('#verdict=fail').shown).toBe(1);
  expect(pivot('#q=client&verdict=infra').shown).toBe(1);
  expect(pivot('#network=host&verdict=fail').shown).toBe(0);
});

test('no dimension on an axis puts every cell in one row or column', () => {
  expect(pivot('#rows=&cols=client')).toMatchObject({
    rowValues: ['(all)'],
    colValues: ['awscli-v2', 'awscli-v1', 'sdk-js-v3'],
  });
});
