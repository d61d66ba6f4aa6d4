import type { ReportCell } from '../report-data.ts';
import { h } from './dom.ts';
import type { ReportView } from './report-view.ts';

/** The cell's outcome in each run, oldest first (· where a run lacked the cell), and a flaky mark. */
export function renderHistoryStrip(view: ReportView, cell: ReportCell): HTMLElement {
  const { data } = view;
  const names = (cell.h ?? []).map((index) => (index < 0 ? 'not run' : (data.outcomes[index]?.name ?? '?')));
  const strip = h('span', { class: 'history', 'aria-label': `history, oldest first: ${names.join(', ')}` });
  (cell.h ?? []).forEach((index, run) => {
    const outcome = index < 0 ? undefined : data.outcomes[index];
    const when = data.runs[run];
    strip.append(
      h(
        'span',
        {
          class: `tick${outcome?.infra ? ' infra' : ''}`,
          title: `${when?.runId ?? ''} ${when?.startedAt ?? ''}: ${outcome?.name ?? 'not run'}`,
          'aria-hidden': 'true',
        },
        outcome?.glyph ?? '·',
      ),
    );
  });
  if ((cell.flips ?? 0) > 0) strip.append(h('span', { class: 'flaky' }, ` ≈ flaky (${cell.flips} changes)`));
  return strip;
}
