import { h } from './dom.ts';
import type { ReportView } from './report-view.ts';
import { cellVisible } from './select-cells.ts';

/** Layout (pivot), filters by verdict, outcome and dimension, id search, and the count shown. */
export function renderControls(view: ReportView): HTMLElement {
  const { data, state } = view;
  // Only what varies in this run can be an axis or a filter: a dimension with one value sorts nothing.
  const varying = data.dimensions.filter((dimension) => dimension.varies);
  const names = varying.map((dimension) => dimension.name);
  const pivotSelect = (key: 'rows' | 'cols', label: string) =>
    h(
      'label',
      null,
      `${label} `,
      h(
        'select',
        {
          'data-key': key,
          onchange: (event: Event) => view.setState({ ...state, [key]: (event.target as HTMLSelectElement).value }),
        },
        h('option', { value: '', selected: state[key] === '' }, '(none)'),
        ...names.map((name) => h('option', { value: name, selected: state[key] === name }, name)),
      ),
    );
  const layout = h(
    'fieldset',
    null,
    h('legend', null, 'Layout'),
    pivotSelect('rows', 'Rows'),
    pivotSelect('cols', 'Columns'),
    h(
      'button',
      {
        type: 'button',
        'data-key': 'swap',
        onclick: () => view.setState({ ...state, rows: state.cols, cols: state.rows }),
      },
      '⇄ Swap',
    ),
  );

  const count = (test: (cell: ReportView['data']['cells'][number]) => boolean) => data.cells.filter(test).length;
  const toggleList = (list: string[], value: string, all: string[]) => {
    const current = list.length === 0 ? all : list;
    const next = current.includes(value) ? current.filter((item) => item !== value) : [...current, value];
    return next.length === all.length ? [] : next;
  };
  const checkbox = (key: string, checked: boolean, onToggle: () => void, ...label: (string | Node)[]) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', 'data-key': key, checked, onchange: onToggle }),
      ...label,
    );

  const verdictNames = data.verdicts.map((verdict) => verdict.name);
  const verdicts = h(
    'fieldset',
    null,
    h('legend', null, 'Verdict'),
    ...data.verdicts.map((verdict) =>
      checkbox(
        `verdict:${verdict.name}`,
        state.verdicts.length === 0 || state.verdicts.includes(verdict.name),
        () => view.setState({ ...state, verdicts: toggleList(state.verdicts, verdict.name, verdictNames) }),
        h('span', { class: `glyph v-${verdict.name}`, 'aria-hidden': 'true' }, verdict.glyph),
        ` ${verdict.text} (${count((cell) => cell.v === verdict.name)})`,
      ),
    ),
  );

  const present = data.outcomes.filter((_, index) => data.cells.some((cell) => cell.a === index));
  const outcomeNames = present.map((outcome) => outcome.name);
  const outcomes = h(
    'fieldset',
    null,
    h('legend', null, 'Actual outcome'),
    ...present.map((outcome) =>
      checkbox(
        `outcome:${outcome.name}`,
        state.outcomes.length === 0 || state.outcomes.includes(outcome.name),
        () => view.setState({ ...state, outcomes: toggleList(state.outcomes, outcome.name, outcomeNames) }),
        h('span', { class: 'glyph', 'aria-hidden': 'true' }, outcome.glyph),
        ` ${outcome.name} (${count((cell) => data.outcomes[cell.a]?.name === outcome.name)})`,
      ),
    ),
  );

  const groups = varying.map((dimension) => {
    const index = data.dimensions.indexOf(dimension);
    const allowed = state.filters[dimension.name];
    const setValues = (values: string[]) => {
      const filters = { ...state.filters };
      if (values.length === 0) delete filters[dimension.name];
      else filters[dimension.name] = values;
      view.setState({ ...state, filters });
    };
    const details = h(
      'details',
      {
        'data-key': `group:${dimension.name}`,
        open: view.openGroups.has(dimension.name) || allowed !== undefined,
        ontoggle: (event: Event) => {
          if ((event.target as HTMLDetailsElement).open) view.openGroups.add(dimension.name);
          else view.openGroups.delete(dimension.name);
        },
      },
      h(
        'summary',
        { title: dimension.describe },
        `${dimension.name}: ${allowed ? `${allowed.length} of ${dimension.values.length}` : 'all'}`,
      ),
      ...dimension.values.map((value, valueIndex) =>
        checkbox(
          `filter:${dimension.name}=${value}`,
          !allowed || allowed.includes(value),
          () => setValues(toggleList(allowed ?? [], value, dimension.values)),
          `${value} (${count((cell) => cell.d[index] === valueIndex)})`,
        ),
      ),
    );
    return details;
  });
  const dimensions = h(
    'fieldset',
    { class: 'dimensions' },
    h('legend', null, `Dimensions that vary (${varying.length} of ${data.dimensions.length})`),
    ...groups,
  );

  const search = h(
    'label',
    null,
    'Cell id contains ',
    h('input', {
      type: 'search',
      'data-key': 'q',
      value: state.q,
      onchange: (event: Event) => view.setState({ ...state, q: (event.target as HTMLInputElement).value }),
    }),
  );
  const reset = h(
    'button',
    {
      type: 'button',
      'data-key': 'reset',
      onclick: () => view.setState({ ...state, filters: {}, outcomes: [], verdicts: [], q: '' }),
    },
    'Show every cell',
  );
  const shown = count((cell) => cellVisible(data, state, cell));
  const folded = count((cell) => cell.v === 'pass' && !cellVisible(data, state, cell));
  // Say what is folded away and how to see it: the report opens on what broke.
  const foldNote =
    state.verdicts.length > 0 && !state.verdicts.includes('pass') && folded > 0
      ? ` — ${folded} as expected folded away (tick "as expected" or "Show every cell")`
      : '';
  const status = h('p', { role: 'status', id: 'shown' }, `Showing ${shown} of ${data.cells.length} cells${foldNote}`);
  return h(
    'form',
    { id: 'controls', onsubmit: (event: Event) => event.preventDefault() },
    layout,
    verdicts,
    outcomes,
    dimensions,
    h('div', { class: 'row' }, search, reset),
    status,
  );
}
