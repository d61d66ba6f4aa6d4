import { h } from './dom.ts';
import type { ReportView } from './report-view.ts';
import { cellVisible } from './select-cells.ts';

/** Cells without a verdict (INFRA_ERROR, TIMEOUT) with their error text, apart from the verdicts. */
export function renderInfraCells(view: ReportView): HTMLElement {
  const { data, state } = view;
  const cells = data.cells.filter((cell) => cell.v === 'infra' && cellVisible(data, { ...state, verdicts: [] }, cell));
  if (cells.length === 0)
    return h('p', { id: 'infra-cells' }, 'No cell ended in an infrastructure error or a timeout.');
  const rows = cells.map((cell) => {
    const outcome = data.outcomes[cell.a];
    return h(
      'tr',
      null,
      h('td', null, h('span', { class: 'glyph', 'aria-hidden': 'true' }, outcome?.glyph ?? '?'), ` ${outcome?.name}`),
      h(
        'td',
        null,
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            'data-key': `infra:${cell.id}`,
            onclick: () => view.setState({ ...state, cell: cell.id }),
          },
          cell.id,
        ),
      ),
      h('td', { class: 'error-text' }, cell.by),
    );
  });
  return h(
    'table',
    { id: 'infra-cells', class: 'list' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Outcome'),
        h('th', { scope: 'col' }, 'Cell'),
        h('th', { scope: 'col' }, 'Error'),
      ),
    ),
    h('tbody', null, ...rows),
  );
}
