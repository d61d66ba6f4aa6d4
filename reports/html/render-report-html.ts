import { createHash } from 'node:crypto';
import type { RunResults } from '../../core/results/results-schema.ts';
import { buildHistory } from '../history/history.ts';
import type { LeftOutRun } from '../history/select-history.ts';
import { clientScript } from './client/client-bundle.ts';
import { escapeHtml as e, jsonForScript } from './escape.ts';
import { renderChanges } from './render-changes.ts';
import { renderHeader } from './render-header.ts';
import { renderLegend } from './render-legend.ts';
import { renderRunOverview } from './render-run-overview.ts';
import { renderWhatBroke } from './render-what-broke.ts';
import { buildReportData } from './report-data.ts';
import { REPORT_CSS } from './report-style.ts';

const DATA_ID = 'report-data';

/**
 * report.html: one self-contained file. The results travel as inert JSON in a data block; the page's
 * script renders them with textContent only. A Content-Security-Policy allows exactly the page's own
 * script (by hash) and inline style, and no network at all.
 */
export function renderReportHtml(
  results: RunResults,
  history: readonly RunResults[] = [results],
  leftOut: readonly LeftOutRun[] = [],
): string {
  const runs = history.at(-1) === results ? history : [...history, results];
  const cellHistory = runs.length > 1 ? buildHistory(runs) : undefined;
  const data = buildReportData(results, cellHistory ? { runs, cells: cellHistory } : undefined);
  const script = clientScript(DATA_ID);
  const scriptHash = createHash('sha256').update(script).digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const runErrors = (results.errors ?? [])
    .map((error) => `<li><strong>${e(error.where)}</strong>: <pre>${e(error.message)}</pre></li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ECS task-role conformance — ${e(results.run.matrixName)} — ${e(results.run.runId)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${renderHeader(results)}
<main>
${renderChanges(results, cellHistory, runs.length)}
${renderWhatBroke(results)}
${renderRunOverview(results, runs.length, leftOut)}
${renderLegend()}
<section aria-labelledby="matrix-heading">
<h2 id="matrix-heading">Matrix</h2>
<noscript><p>The interactive matrix needs JavaScript. summary.md and junit.xml next to this file hold the same verdicts.</p></noscript>
<div id="controls"></div>
<div id="matrix"></div>
</section>
<section class="infra-section" aria-labelledby="infra-heading">
<h2 id="infra-heading">Infrastructure errors — no verdict</h2>
<p>The harness or its backend failed in these cells (INFRA_ERROR, TIMEOUT), so they say nothing about the configuration. They follow the dimension, outcome and id filters above.</p>
<div id="infra-cells"></div>
${runErrors ? `<h3 id="run-errors">Failures outside any cell</h3><ul class="run-errors">${runErrors}</ul>` : ''}
</section>
</main>
<dialog id="detail" aria-labelledby="detail-title"></dialog>
<script type="application/json" id="${DATA_ID}">${jsonForScript(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}
