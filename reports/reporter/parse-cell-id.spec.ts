import { expect, test } from '@playwright/test';
import { cellId } from '../../core/matrix/cell.ts';
import { DEFAULT_BASELINE } from '../../core/matrix/dimensions.ts';
import { variedCells } from '../testing/synthetic-results.ts';
import { parseCellId } from './parse-cell-id.ts';

test('every cell id parses back to its dimensions', () => {
  for (const dimensions of variedCells()) expect(parseCellId(cellId(dimensions))).toEqual(dimensions);
});
test('values with commas (rpsLimit) are kept whole', () =>
  expect(parseCellId('rpsLimit=1,1,load=burst')).toEqual({ ...DEFAULT_BASELINE, rpsLimit: '1,1', load: 'burst' }));
test('baseline', () => expect(parseCellId('baseline')).toEqual(DEFAULT_BASELINE));
test('arbitrary titles are not cells', () => {
  expect(parseCellId('provision the lab')).toBeUndefined();
  expect(parseCellId('network=hots')).toBeUndefined();
  expect(parseCellId('colour=red')).toBeUndefined();
});
test('non-canonical ids (wrong order, baseline values) are not cells', () => {
  expect(parseCellId('load=burst,network=host')).toBeUndefined();
  expect(parseCellId('network=bridge')).toBeUndefined();
});
