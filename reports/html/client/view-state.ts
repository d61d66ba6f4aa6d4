/** What the reader chose to see; serialised into the URL hash so a view can be shared and survives reload. */
export interface ViewState {
  /** Dimension names pivoted onto rows and columns; '' puts everything in one row or column. */
  rows: string;
  cols: string;
  /** Allowed values per dimension; a dimension absent here is not filtered. */
  filters: Record<string, string[]>;
  /** Allowed actual outcomes and verdicts; empty means all. */
  outcomes: string[];
  verdicts: string[];
  /** Substring of the cell id. */
  q: string;
  /** The cell whose drill-down is open, or ''. */
  cell: string;
}

/**
 * Parses `#rows=ami&cols=network&client=awscli-v1&verdict=fail&cell=…`; unknown names are ignored.
 * `pivot`: the layout when the hash names none (the report's: the dimensions that vary most).
 * `defaultVerdicts`: the verdicts shown when the hash names none (a run with deviations folds away the
 * cells as expected: what broke first, the rest one click away); `verdict=all` names every verdict.
 */
export function parseViewState(
  hash: string,
  dimensionNames: string[],
  pivot: { rows: string; cols: string },
  defaultVerdicts: string[] = [],
): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const pick = (name: string, fallback: string) => {
    const value = params.get(name);
    return value !== null && (value === '' || dimensionNames.includes(value)) ? value : fallback;
  };
  const filters: Record<string, string[]> = {};
  for (const name of dimensionNames) {
    const values = params.getAll(name);
    if (values.length > 0) filters[name] = values;
  }
  return {
    rows: pick('rows', pivot.rows),
    cols: pick('cols', pivot.cols),
    filters,
    outcomes: params.getAll('outcome'),
    verdicts: params.has('verdict') ? params.getAll('verdict').filter((verdict) => verdict !== 'all') : defaultVerdicts,
    q: params.get('q') ?? '',
    cell: params.get('cell') ?? '',
  };
}

/** The inverse of parseViewState; defaults are left out so shared links stay short. */
export function formatViewState(
  state: ViewState,
  pivot: { rows: string; cols: string },
  defaultVerdicts: string[] = [],
): string {
  const params = new URLSearchParams();
  if (state.rows !== pivot.rows) params.set('rows', state.rows);
  if (state.cols !== pivot.cols) params.set('cols', state.cols);
  for (const name of Object.keys(state.filters)) {
    for (const value of state.filters[name] ?? []) params.append(name, value);
  }
  for (const outcome of state.outcomes) params.append('outcome', outcome);
  const sameVerdicts =
    state.verdicts.length === defaultVerdicts.length &&
    state.verdicts.every((verdict) => defaultVerdicts.includes(verdict));
  if (!sameVerdicts) {
    if (state.verdicts.length === 0) params.append('verdict', 'all');
    for (const verdict of state.verdicts) params.append('verdict', verdict);
  }
  if (state.q) params.set('q', state.q);
  if (state.cell) params.set('cell', state.cell);
  const text = params.toString();
  return text ? `#${text}` : '';
}
