import type { ReportCell } from '../report-data.ts';
import { h } from './dom.ts';
import { formatLocalTime } from './local-time.ts';
import type { ReportView } from './report-view.ts';

/**
 * The cell's verdict in each run, oldest first (· where a run lacked the cell): the verdict's glyph, its
 * words for assistive technology and in each tick's tooltip with the run's local time and outcome.
 */
export function renderHistoryStrip(view: ReportView, cell: ReportCell): HTMLElement {
  const { data } = view;
  const words = (cell.hv ?? []).map((verdictIndex, run) => {
    const verdict = data.verdicts[verdictIndex];
    const outcome = data.outcomes[cell.h?.[run] ?? -1];
    return verdict ? `${verdict.text} (${outcome?.name ?? '?'})` : 'not run';
  });
  const strip = h('span', { class: 'history', 'aria-label': `history, oldest first: ${words.join(', ')}` });
  (cell.hv ?? []).forEach((verdictIndex, run) => {
    const verdict = data.verdicts[verdictIndex];
    const when = data.runs[run];
    strip.append(
      h(
        'span',
        {
          class: `tick v-${verdict?.name ?? 'none'}`,
          title: `${when ? formatLocalTime(when.startedAt) : ''} (${when?.runId ?? ''}): ${words[run]}`,
          'aria-hidden': 'true',
        },
        verdict?.glyph ?? '·',
      ),
    );
  });
  if ((cell.flips ?? 0) > 0) strip.append(h('span', { class: 'flaky' }, ` ≈ flaky (${cell.flips} changes)`));
  return strip;
}
