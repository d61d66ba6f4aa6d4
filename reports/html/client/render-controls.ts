import type { ReportCell } from '../report-data.ts';
import { h } from './dom.ts';
import type { ReportView } from './report-view.ts';
import { cellVisible } from './select-cells.ts';

/** Layout (pivot), filters by verdict, outcome and dimension, id search, and the count shown. */
export function renderControls(view: ReportView): HTMLElement {
  return h(
    'form',
    { id: 'controls', onsubmit: (event: Event) => event.preventDefault() },
    renderLayout(view),
    renderVerdictFilter(view),
    renderOutcomeFilter(view),
    renderDimensionFilters(view),
    h('div', { class: 'row' }, renderSearch(view), renderReset(view)),
    renderShownStatus(view),
  );
}

// Only what varies in this run can be an axis or a filter: a dimension with one value sorts nothing.
export function varyingDimensions(view: ReportView): ReportView['data']['dimensions'] {
  return view.data.dimensions.filter((dimension) => dimension.varies);
}

export function countCells(view: ReportView, test: (cell: ReportCell) => boolean): number {
  return view.data.cells.filter(test).length;
}

/** The selection after toggling one value; an empty list means "all", so selecting every value empties it. */
export function toggleList(list: string[], value: string, all: string[]): string[] {
  const current = list.length === 0 ? all : list;
  const next = current.includes(value) ? current.filter((item) => item !== value) : [...current, value];
  return next.length === all.length ? [] : next;
}

export function checkbox(
  key: string,
  checked: boolean,
  onToggle: () => void,
  ...label: (string | Node)[]
): HTMLElement {
  return h(
    'label',
    { class: 'check' },
    h('input', { type: 'checkbox', 'data-key': key, checked, onchange: onToggle }),
    ...label,
  );
}

/** The pivot: which dimension makes the rows and which the columns, and a swap. */
export function renderLayout(view: ReportView): HTMLElement {
  const { state } = view;
  const names = varyingDimensions(view).map((dimension) => dimension.name);
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
  return h(
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
}

export function renderVerdictFilter(view: ReportView): HTMLElement {
  const { data, state } = view;
  const verdictNames = data.verdicts.map((verdict) => verdict.name);
  return h(
    'fieldset',
    null,
    h('legend', null, 'Verdict'),
    ...data.verdicts.map((verdict) =>
      checkbox(
        `verdict:${verdict.name}`,
        state.verdicts.length === 0 || state.verdicts.includes(verdict.name),
        () => view.setState({ ...state, verdicts: toggleList(state.verdicts, verdict.name, verdictNames) }),
        h('span', { class: `glyph v-${verdict.name}`, 'aria-hidden': 'true' }, verdict.glyph),
        ` ${verdict.text} (${countCells(view, (cell) => cell.v === verdict.name)})`,
      ),
    ),
  );
}

/** A filter by actual outcome, offering only the outcomes some cell of this run had. */
export function renderOutcomeFilter(view: ReportView): HTMLElement {
  const { data, state } = view;
  const present = data.outcomes.filter((_, index) => data.cells.some((cell) => cell.a === index));
  const outcomeNames = present.map((outcome) => outcome.name);
  return h(
    'fieldset',
    null,
    h('legend', null, 'Actual outcome'),
    ...present.map((outcome) =>
      checkbox(
        `outcome:${outcome.name}`,
        state.outcomes.length === 0 || state.outcomes.includes(outcome.name),
        () => view.setState({ ...state, outcomes: toggleList(state.outcomes, outcome.name, outcomeNames) }),
        h('span', { class: 'glyph', 'aria-hidden': 'true' }, outcome.glyph),
        ` ${outcome.name} (${countCells(view, (cell) => data.outcomes[cell.a]?.name === outcome.name)})`,
      ),
    ),
  );
}

export function renderDimensionFilters(view: ReportView): HTMLElement {
  const varying = varyingDimensions(view);
  return h(
    'fieldset',
    { class: 'dimensions' },
    h('legend', null, `Dimensions that vary (${varying.length} of ${view.data.dimensions.length})`),
    ...varying.map((dimension) => renderDimensionFilter(view, dimension)),
  );
}

/** One dimension's values as checkboxes, folded unless opened or filtered (the report remembers which is open). */
export function renderDimensionFilter(
  view: ReportView,
  dimension: ReportView['data']['dimensions'][number],
): HTMLElement {
  const { data, state } = view;
  const index = data.dimensions.indexOf(dimension);
  const allowed = state.filters[dimension.name];
  const setValues = (values: string[]) => {
    const filters = { ...state.filters };
    if (values.length === 0) delete filters[dimension.name];
    else filters[dimension.name] = values;
    view.setState({ ...state, filters });
  };
  return h(
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
        `${value} (${countCells(view, (cell) => cell.d[index] === valueIndex)})`,
      ),
    ),
  );
}

export function renderSearch(view: ReportView): HTMLElement {
  const { state } = view;
  return h(
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
}

export function renderReset(view: ReportView): HTMLElement {
  const { state } = view;
  return h(
    'button',
    {
      type: 'button',
      'data-key': 'reset',
      onclick: () => view.setState({ ...state, filters: {}, outcomes: [], verdicts: [], q: '' }),
    },
    'Show every cell',
  );
}

/** How many cells the filters show; says what is folded away and how to see it: the report opens on what broke. */
export function renderShownStatus(view: ReportView): HTMLElement {
  const { data, state } = view;
  const shown = countCells(view, (cell) => cellVisible(data, state, cell));
  const folded = countCells(view, (cell) => cell.v === 'pass' && !cellVisible(data, state, cell));
  const foldNote =
    state.verdicts.length > 0 && !state.verdicts.includes('pass') && folded > 0
      ? ` — ${folded} as expected folded away (tick "as expected" or "Show every cell")`
      : '';
  return h('p', { role: 'status', id: 'shown' }, `Showing ${shown} of ${data.cells.length} cells${foldNote}`);
}
