import type { RunResults } from '../../core/results/results-schema.ts';
import { VERDICT_LABELS, VERDICT_ORDER } from '../model/labels.ts';
import { totalsOf } from '../model/totals.ts';
import { escapeHtml as e } from './escape.ts';

/** The title and one status line, so "what broke" starts right below them in the first screen. */
export function renderHeader(results: RunResults): string {
  const { run } = results;
  const totals = totalsOf(results.cells);
  const verdicts = VERDICT_ORDER.map(
    (verdict) =>
      `<span class="status-item"><span class="glyph v-${verdict}" aria-hidden="true">${VERDICT_LABELS[verdict].glyph}</span> ${totals.byVerdict[verdict]} ${e(VERDICT_LABELS[verdict].text)}</span>`,
  ).join(' · ');
  return `<header>
<h1>ECS task-role conformance: ${e(run.matrixName)} on ${e(run.backend)}</h1>
<p class="status">${totals.cells} cells: ${verdicts} — run <code>${e(run.runId)}</code>, started ${timeElement(run.startedAt)}. <a href="#run-heading">Run details</a> · <a href="#matrix-heading">Matrix</a></p>
</header>`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/**
 * A moment as `<time>`: the page's script rewrites it in the reader's locale and time zone; without the
 * script it reads in UTC, said so ("7 Dec 2026, 16:13 UTC"), never as a raw ISO string.
 */
export function timeElement(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return e(iso);
  const utc = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
    date,
  );
  return `<time datetime="${e(date.toISOString())}">${e(utc)} UTC</time>`;
}
