import { expect, test } from '@playwright/test';
import { DIMENSION_NAMES } from '../../../core/matrix/dimensions.ts';
import { formatViewState, parseViewState, type ViewState } from './view-state.ts';

const names = [...DIMENSION_NAMES];
const pivot = { rows: 'ami', cols: 'network' };

test("an empty hash is the default view: the report's pivot, no filters", () => {
  expect(parseViewState('', names, pivot)).toEqual({
    rows: 'ami',
    cols: 'network',
    filters: {},
    outcomes: [],
    verdicts: [],
    q: '',
    cell: '',
  });
  expect(formatViewState(parseViewState('', names, pivot), pivot)).toBe('');
});

test('every part of a view survives the round trip, values with commas and = included', () => {
  const state: ViewState = {
    rows: 'client',
    cols: '',
    filters: { rpsLimit: ['1,1', 'default'], network: ['host'] },
    outcomes: ['TASK_ROLE', 'NOT_PLACED'],
    verdicts: ['fail'],
    q: 'ami=al2',
    cell: 'rpsLimit=1,1,load=burst',
  };
  expect(parseViewState(formatViewState(state, pivot), names, pivot)).toEqual(state);
});

test('unknown dimensions in rows, columns or filters are ignored', () => {
  const state = parseViewState('#rows=colour&cols=shape&colour=red&network=host', names, pivot);
  expect(state).toMatchObject({ rows: 'ami', cols: 'network', filters: { network: ['host'] } });
});

test('a report that folds the cells as expected away: its default is no hash, every verdict is verdict=all', () => {
  const folded = ['fail', 'infra'];
  const opened = parseViewState('', names, pivot, folded);
  expect(opened.verdicts).toEqual(folded);
  expect(formatViewState(opened, pivot, folded)).toBe('');
  const everything = { ...opened, verdicts: [] };
  expect(formatViewState(everything, pivot, folded)).toBe('#verdict=all');
  expect(parseViewState('#verdict=all', names, pivot, folded).verdicts).toEqual([]);
  expect(parseViewState('#verdict=pass', names, pivot, folded).verdicts).toEqual(['pass']);
});
