import { escapeHtml as e } from '../html/escape.ts';
import { amiChanges, comparedChanges } from './ami-changes.ts';
import { CHANGE_LABELS, countsLine, expectedText, LISTED_KINDS, markOf, verdictChange } from './diff-labels.ts';
import type { ResultsDiff } from './diff-results.ts';
import { matrixLine } from './format-diff-text.ts';
import { gateHeading } from './render-diff-md.ts';

/** diff.html: one static, script-free file (CSP forbids everything but inline style). */
export function renderDiffHtml(diff: ResultsDiff): string {
  const { counts } = diff;
  const sections = LISTED_KINDS.map((kind) => {
    const changes = diff.changes.filter((change) => change.kind === kind);
    if (changes.length === 0) return '';
    const rows = changes
      .map(
        (change) =>
          `<tr><td>${markOf(change)} <code>${e(change.id)}</code></td><td>${e(change.baseline?.outcome ?? '–')}</td><td>${e(change.candidate?.outcome ?? '–')}</td><td>${e(expectedText(change))}</td><td>${e(verdictChange(change))}</td><td class="evidence">${e(change.candidate?.decidedBy ?? change.baseline?.decidedBy ?? '')}</td></tr>`,
      )
      .join('\n');
    return `<section><h2>${CHANGE_LABELS[kind].glyph} ${e(CHANGE_LABELS[kind].heading)} (${changes.length})</h2>
<table><thead><tr><th scope="col">Cell</th><th scope="col">Baseline</th><th scope="col">Candidate</th><th scope="col">Expected</th><th scope="col">Verdict</th><th scope="col">Evidence</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
  }).join('\n');
  const amis = [...amiChanges(diff.baseline, diff.candidate), ...comparedChanges(diff.matrix)]
    .map((change) => `<li>${e(change)}</li>`)
    .join('');
  const reasons = [
    ...diff.gate.failures.map((reason) => `✗ ${reason}`),
    ...diff.gate.accepted.map((reason) => `✓ ${reason}`),
    ...diff.gate.notes.map((note) => `note: ${note}`),
  ]
    .map((reason) => `<li>${e(reason)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>ECS task-role conformance diff</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem 1.5rem}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}.evidence{overflow-wrap:anywhere;font-family:monospace;font-size:.85rem}</style>
</head><body>
<h1>${e(gateHeading(diff))}</h1>
${reasons ? `<ul>${reasons}</ul>` : ''}
<p>Baseline <code>${e(diff.baseline.runId)}</code> (${e(diff.baseline.startedAt)}) → candidate <code>${e(diff.candidate.runId)}</code> (${e(diff.candidate.startedAt)}).</p>
${amis ? `<ul>${amis}</ul>` : ''}
<p>${e(matrixLine(diff))}</p>
<p><strong>${countsLine(counts, ' · ')}</strong></p>
${sections}
</body></html>
`;
}
