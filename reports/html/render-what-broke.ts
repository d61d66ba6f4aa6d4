import type { CellResult, RunResults } from '../../core/results/results-schema.ts';
import { type DiagnosisGroup, groupByDiagnosis, groupTitle } from '../diagnoses/group-by-diagnosis.ts';
import { OUTCOME_LABELS, VERDICT_LABELS } from '../model/labels.ts';
import { escapeHtml as e } from './escape.ts';
import { renderCommands } from './render-commands.ts';

/** Cells listed per group and command lists per group; the matrix below has every cell. */
const MAX_CELLS = 20;
const MAX_FIXES = 6;

/**
 * The top of the report: what broke, grouped by the primary cause of its diagnosis, each group with its
 * cells (links to their drill-down), the fix with its commands for the cells' AMI, and its documented source.
 */
export function renderWhatBroke(results: RunResults): string {
  const groups = groupByDiagnosis(results.cells);
  const runErrors = results.errors ?? [];
  const body =
    groups.length === 0 && runErrors.length === 0
      ? `<p class="all-good">${results.cells.length > 0 ? 'Nothing broke: every cell is as expected.' : 'No cell ran.'}</p>`
      : [
          ...groups.map((group, index) => renderGroup(group, index)),
          runErrors.length > 0
            ? `<p class="group-errors"><span class="glyph" aria-hidden="true">⚠</span> <a href="#run-errors">${runErrors.length} ${runErrors.length === 1 ? 'failure' : 'failures'} outside any cell</a> (setup, teardown or the runner)</p>`
            : '',
        ].join('\n');
  return `<section id="what-broke" aria-labelledby="what-broke-heading">
<h2 id="what-broke-heading">What broke</h2>
${body}
</section>`;
}

function renderGroup(group: DiagnosisGroup, index: number): string {
  const { diagnosis, cells, verdict } = group;
  const count = cells.length;
  const shown = cells.slice(0, MAX_CELLS).map(renderCellItem).join('');
  const more = count > MAX_CELLS ? `<li>and ${count - MAX_CELLS} more (the matrix below has them all)</li>` : '';
  const fixes = group.fixes
    .slice(0, MAX_FIXES)
    .map((fix, fixIndex) =>
      renderCommands(
        `cmd-${index}-${fixIndex}`,
        `Commands for ${fix.os}${group.fixes.length > 1 ? ` (${fix.cells.length} of these cells)` : ''}:`,
        fix.commands,
      ),
    )
    .join('\n');
  const moreFixes =
    group.fixes.length > MAX_FIXES
      ? `<p class="note">${group.fixes.length - MAX_FIXES} more command lists: open a cell for its own.</p>`
      : '';
  const source = diagnosis.source
    ? `<p class="source">Documented in <a href="${e(diagnosis.source.url)}" rel="noopener noreferrer" target="_blank">${e(diagnosis.source.title)}</a></p>`
    : '';
  return `<article class="group v-${verdict}" aria-labelledby="group-${index}">
<h3 id="group-${index}"><span class="glyph v-${verdict}" aria-hidden="true">${VERDICT_LABELS[verdict].glyph}</span> ${e(groupTitle(group))}</h3>
<ul class="group-cells">${shown}${more}</ul>
<dl class="group-fix"><dt>What is wrong</dt><dd>${e(diagnosis.problem)}</dd><dt>Fix</dt><dd>${e(diagnosis.fix)}</dd></dl>
${fixes}${moreFixes}
${source}
</article>`;
}

function renderCellItem(cell: CellResult): string {
  const { actual, expected } = cell;
  const href = `#${new URLSearchParams({ cell: cell.id }).toString()}`;
  const detail =
    cell.verdict === 'infra'
      ? `: <span class="error-text">${e(truncate(actual.evidence.decidedBy, 200))}</span>`
      : `, expected ${e(OUTCOME_LABELS[expected.outcome].short)} (${expected.outcome}, rule ${e(expected.rule)})`;
  // Outcomes in words: the group's glyph and colour are its verdict's (no outcome's ✔ in a deviation).
  return `<li><a class="cell-link" href="${e(href)}" data-cell="${e(cell.id)}">${e(cell.id)}</a>: got ${e(OUTCOME_LABELS[actual.outcome].short)} (${actual.outcome})${detail}</li>`;
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
