import type { RunResults } from '../../core/results/results-schema.ts';
import type { CellHistory, HistoryChange } from '../history/history.ts';
import { escapeHtml as e } from './escape.ts';

/** Cells named per group; the rest are counted (the matrix below has them all). */
const MAX_CELLS = 12;

/** TestGrid's groups, in the order a reader acts on them. */
const GROUPS: { change: HistoryChange; title: string; meaning: string }[] = [
  { change: 'new', title: 'New deviations', meaning: 'deviate now, as expected in the last run that judged them' },
  { change: 'still', title: 'Still deviating', meaning: 'deviated in the last run too' },
  { change: 'fixed', title: 'Fixed', meaning: 'as expected now, deviated in the last run that judged them' },
  {
    change: 'flaky',
    title: 'Flaky',
    meaning: 'the outcome changed between runs of the same AMI image, agent and backend',
  },
];

/** "Since the last run": new, still deviating, fixed and flaky cells, each group with its cells' links. */
export function renderChanges(
  results: RunResults,
  history: Map<string, CellHistory> | undefined,
  runs: number,
): string {
  if (!history || runs < 2) return '';
  const groups = GROUPS.map((group) => {
    const cells = results.cells.filter((cell) => history.get(cell.id)?.change === group.change);
    const shown = cells
      .slice(0, MAX_CELLS)
      .map((cell) => {
        const href = `#${new URLSearchParams({ cell: cell.id }).toString()}`;
        return `<li><a class="cell-link" href="${e(href)}" data-cell="${e(cell.id)}">${e(cell.id)}</a></li>`;
      })
      .join('');
    const more = cells.length > MAX_CELLS ? `<li>and ${cells.length - MAX_CELLS} more</li>` : '';
    return `<div class="change change-${group.change}" data-change="${group.change}">
<h3 title="${e(group.meaning)}">${e(group.title)}: <strong>${cells.length}</strong></h3>
${cells.length > 0 ? `<ul>${shown}${more}</ul>` : '<p class="none">none</p>'}
</div>`;
  });
  return `<section id="changes" aria-labelledby="changes-heading">
<h2 id="changes-heading">Since the last run <span class="note">(${runs} runs of this matrix, by start time)</span></h2>
<div class="changes">${groups.join('\n')}</div>
</section>`;
}
