import type { ReportCell } from '../report-data.ts';
import { h } from './dom.ts';
import { renderHistoryStrip } from './render-history.ts';
import type { ReportView } from './report-view.ts';
import { pivotCells } from './select-cells.ts';

/** The pivot table: one slot per (row value, column value), each listing its cells, deviations first. */
export function renderMatrix(view: ReportView): HTMLElement {
  const { data, state } = view;
  const pivot = pivotCells(data, state);
  if (data.cells.length === 0) {
    return h(
      'p',
      { id: 'matrix', class: 'empty' },
      'This run has no cell results; see the failures outside any cell below.',
    );
  }
  if (pivot.shown === 0) return h('p', { id: 'matrix', class: 'empty' }, 'No cell matches these filters.');
  const corner = `${state.rows || '(none)'} ↓ · ${state.cols || '(none)'} →`;
  const head = h(
    'thead',
    null,
    h(
      'tr',
      null,
      h('th', { scope: 'col' }, corner),
      ...pivot.colValues.map((value) => h('th', { scope: 'col' }, value)),
    ),
  );
  // Each column as wide as its fullest slot needs: one-at-a-time matrices pile most cells into the
  // known-good value's column, which then lays its cards out side by side instead of one long list.
  const fullest = pivot.colValues.map((col) =>
    Math.max(1, ...pivot.rowValues.map((row) => pivot.slots.get(`${row}\u0000${col}`)?.length ?? 0)),
  );
  const sum = fullest.reduce((total, count) => total + count, 0);
  const colgroup = h(
    'colgroup',
    null,
    h('col', null),
    ...fullest.map((count) => h('col', { style: `width: ${Math.max(8, (90 * count) / sum).toFixed(1)}%` })),
  );
  const body = h('tbody', null);
  for (const row of pivot.rowValues) {
    const tr = h('tr', null, h('th', { scope: 'row' }, row));
    for (const col of pivot.colValues) {
      const key = `${row}\u0000${col}`;
      tr.append(h('td', null, renderSlot(view, key, pivot.slots.get(key) ?? [])));
    }
    body.append(tr);
  }
  const caption = h(
    'caption',
    null,
    `Rows: ${state.rows || '(none)'}; columns: ${state.cols || '(none)'}; ${pivot.shown} cells. Each cell shows its actual outcome, then how it compares with the expected outcome.`,
  );
  return h('div', { id: 'matrix' }, h('table', { class: 'matrix' }, caption, colgroup, head, body));
}

/** A slot lists its first cells; the rest behind a button (client-only, not part of the link). */
export function renderSlot(view: ReportView, key: string, cells: ReportCell[]): HTMLElement {
  const limit = view.expandedSlots.has(key) ? cells.length : 60;
  const list = h(
    'ul',
    { class: 'slot' },
    ...cells.slice(0, limit).map((cell) => h('li', null, renderCellButton(view, cell))),
  );
  if (cells.length > limit) {
    list.append(
      h(
        'li',
        null,
        h(
          'button',
          {
            type: 'button',
            class: 'more',
            'data-key': `more:${key}`,
            onclick: () => {
              view.expandedSlots.add(key);
              view.setState(view.state);
            },
          },
          `Show ${cells.length - limit} more`,
        ),
      ),
    );
  }
  return list;
}

/**
 * One cell: what differs from the known-good cell, its verdict in words (with its glyph), the actual
 * outcome in words and, for a deviation, the expected one; its history. The outcome has no glyph here:
 * the card's colour and glyph are the verdict's, never an outcome's (no ✔ on a red card).
 */
export function renderCellButton(view: ReportView, cell: ReportCell): HTMLElement {
  const { data, state } = view;
  const actual = data.outcomes[cell.a];
  const expected = data.outcomes[cell.e];
  const verdict = data.verdicts.find((candidate) => candidate.name === cell.v);
  const differing: string[] = [];
  data.dimensions.forEach((dimension, index) => {
    const value = dimension.values[cell.d[index] as number];
    if (dimension.name !== state.rows && dimension.name !== state.cols && value !== dimension.baseline) {
      differing.push(`${dimension.name}=${value}`);
    }
  });
  const label =
    differing.length > 0
      ? differing.join(', ')
      : cell.id === 'baseline'
        ? 'baseline (known good)'
        : 'only the row/column differ';
  const outcomeWords = (outcome: ReportView['data']['outcomes'][number] | undefined) =>
    outcome ? `${outcome.short} (${outcome.name})` : '?';
  const got = cell.v === 'pass' ? outcomeWords(actual) : `got ${outcomeWords(actual)}`;
  const wanted = cell.v === 'pass' ? '' : `, expected ${outcomeWords(expected)}`;
  // As expected: the outcome's words alone keep the card short (its code is in the label and the filters).
  const shown = cell.v === 'pass' ? (actual?.short ?? '?') : `${got}${wanted}`;
  return h(
    'button',
    {
      type: 'button',
      class: `cell v-${cell.v}`,
      'data-key': `cell:${cell.id}`,
      'data-cell': cell.id,
      'aria-label': `${cell.id}: ${verdict?.text ?? cell.v}, ${got}${wanted}`,
      title: `${cell.id}: ${verdict?.meaning ?? ''}`,
      onclick: () => view.setState({ ...state, cell: cell.id }),
    },
    h('span', { class: 'cell-id' }, label),
    h(
      'span',
      { class: 'comparison' },
      h(
        'span',
        { class: `verdict-word v-${cell.v}` },
        h('span', { class: 'glyph', 'aria-hidden': 'true' }, verdict?.glyph ?? ''),
        ` ${verdict?.text ?? cell.v}`,
      ),
      h('span', { class: 'outcome' }, ` · ${shown}`),
    ),
    cell.h ? renderHistoryStrip(view, cell) : null,
  );
}
