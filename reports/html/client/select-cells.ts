import type { ReportCell, ReportData } from '../report-data.ts';
import type { ViewState } from './view-state.ts';

export interface Pivot {
  rowValues: string[];
  colValues: string[];
  /** Cells per `row\u0000col` slot, deviations first, then no-verdict cells, then as expected. */
  slots: Map<string, ReportCell[]>;
  shown: number;
}

/** Does the cell pass every filter of the view? */
export function cellVisible(data: ReportData, state: ViewState, cell: ReportCell): boolean {
  for (let index = 0; index < data.dimensions.length; index += 1) {
    const dimension = data.dimensions[index] as ReportData['dimensions'][number];
    const allowed = state.filters[dimension.name];
    if (allowed && !allowed.includes(dimension.values[cell.d[index] as number] as string)) return false;
  }
  const outcome = data.outcomes[cell.a]?.name ?? '';
  if (state.outcomes.length > 0 && !state.outcomes.includes(outcome)) return false;
  if (state.verdicts.length > 0 && !state.verdicts.includes(cell.v)) return false;
  return state.q === '' || cell.id.includes(state.q);
}

/** The visible cells laid out on the two chosen dimensions (only values that occur among them). */
export function pivotCells(data: ReportData, state: ViewState): Pivot {
  const rowIndex = data.dimensions.findIndex((dimension) => dimension.name === state.rows);
  const colIndex = data.dimensions.findIndex((dimension) => dimension.name === state.cols);
  const slotValue = (cell: ReportCell, index: number) =>
    index < 0
      ? '(all)'
      : ((data.dimensions[index] as ReportData['dimensions'][number]).values[cell.d[index] as number] as string);
  const rows = new Set<string>();
  const cols = new Set<string>();
  const slots = new Map<string, ReportCell[]>();
  let shown = 0;
  for (const cell of data.cells) {
    if (!cellVisible(data, state, cell)) continue;
    shown += 1;
    const row = slotValue(cell, rowIndex);
    const col = slotValue(cell, colIndex);
    rows.add(row);
    cols.add(col);
    const key = `${row}\u0000${col}`;
    const slot = slots.get(key);
    if (slot) slot.push(cell);
    else slots.set(key, [cell]);
  }
  const order = (index: number, present: Set<string>) =>
    index < 0
      ? [...present]
      : (data.dimensions[index] as ReportData['dimensions'][number]).values.filter((value) => present.has(value));
  const rank = (cell: ReportCell) => (cell.v === 'fail' ? 0 : cell.v === 'infra' ? 1 : 2);
  for (const slot of slots.values()) slot.sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rowValues: order(rowIndex, rows), colValues: order(colIndex, cols), slots, shown };
}
