import type { RunResults } from '../../core/results/results-schema.ts';
import { OUTCOME_LABELS, VERDICT_LABELS, VERDICT_ORDER } from '../model/labels.ts';
import { totalsOf } from '../model/totals.ts';
import { escapeHtml as e } from './escape.ts';

/** Static header: run metadata, the AMIs with their agent versions, totals per verdict and per outcome. */
export function renderHeader(results: RunResults, historyRuns: number): string {
  const { run } = results;
  const totals = totalsOf(results.cells);
  const meta: [string, string | undefined][] = [
    ['Matrix', run.matrixName],
    ['Backend', run.backend],
    ['Region', run.region],
    ['Run id', run.runId],
    ['Started', run.startedAt],
    ['Duration', run.durationMs === undefined ? undefined : formatDuration(run.durationMs)],
    ['Commit', run.commit],
    ['Tool version', run.toolVersion],
    ['History', historyRuns > 1 ? `${historyRuns} runs (this one and ${historyRuns - 1} before it)` : undefined],
  ];
  const amiRows = Object.entries(run.amis)
    .map(
      ([profile, ami]) =>
        `<tr><th scope="row">${e(profile)}</th><td><code>${e(ami.imageId)}</code></td><td>${e(ami.agentVersion ?? 'unknown')}</td></tr>`,
    )
    .join('');
  const verdictItems = VERDICT_ORDER.map((verdict) => {
    const label = VERDICT_LABELS[verdict];
    return `<li><a href="#verdict=${verdict}" title="${e(label.meaning)}"><span class="glyph v-${verdict}" aria-hidden="true">${label.glyph}</span> ${e(label.text)}: <strong>${totals.byVerdict[verdict]}</strong></a></li>`;
  }).join('');
  const outcomeItems = totals.byOutcome
    .map(
      ([outcome, count]) =>
        `<li><a href="#outcome=${outcome}"><span class="glyph" aria-hidden="true">${OUTCOME_LABELS[outcome].glyph}</span> ${outcome}: <strong>${count}</strong></a></li>`,
    )
    .join('');
  return `<header>
<h1>ECS task-role conformance: ${e(run.matrixName)} on ${e(run.backend)}</h1>
<p>Which configurations gave the task its <strong>task-role</strong> credentials, and which fell back to the instance role or failed — ${totals.cells} cells.</p>
<div class="meta">
<dl>${meta
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([label, value]) => `<dt>${e(label)}</dt><dd>${e(value as string)}</dd>`)
    .join('')}</dl>
${amiRows ? `<table class="list amis"><caption>AMIs used</caption><thead><tr><th scope="col">Profile</th><th scope="col">Image id</th><th scope="col">ECS agent</th></tr></thead><tbody>${amiRows}</tbody></table>` : ''}
</div>
<h2 id="totals">Totals</h2>
<ul class="totals" aria-label="totals per verdict"><li class="totals-label">Per verdict</li>${verdictItems}</ul>
<ul class="totals" aria-label="totals per actual outcome"><li class="totals-label">Per outcome</li>${outcomeItems}</ul>
</header>`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}
