import type { RunResults } from '../../core/results/results-schema.ts';
import type { LeftOutRun } from '../history/select-history.ts';
import { OUTCOME_LABELS, VERDICT_LABELS, VERDICT_ORDER } from '../model/labels.ts';
import { formatRate, passRatesByAmi } from '../model/pass-rate.ts';
import { totalsOf } from '../model/totals.ts';
import { escapeHtml as e } from './escape.ts';
import { formatDuration, timeElement } from './render-header.ts';

/** Run metadata, the pass rate per AMI with its image and agent version, totals per verdict and outcome. */
export function renderRunOverview(
  results: RunResults,
  historyRuns: number,
  leftOut: readonly LeftOutRun[] = [],
): string {
  const { run } = results;
  const totals = totalsOf(results.cells);
  // Values are escaped here; `Started` is markup (a <time> the script shows in the reader's time zone).
  const meta: [string, string | undefined][] = [
    ['Matrix', e(run.matrixName)],
    ['Backend', e(run.backend)],
    ['Region', e(run.region)],
    ['Run id', e(run.runId)],
    ['Started', timeElement(run.startedAt)],
    ['Duration', run.durationMs === undefined ? undefined : e(formatDuration(run.durationMs))],
    ['Commit', run.commit && e(run.commit)],
    ['Tool version', e(run.toolVersion)],
    ['History', historyRuns > 1 ? `${historyRuns} runs (this one and ${historyRuns - 1} before it)` : undefined],
    [
      'Left out of the history',
      leftOut.length > 0
        ? `<ul class="left-out">${leftOut.map((item) => `<li><code>${e(item.file)}</code>: ${e(item.reason)}</li>`).join('')}</ul>`
        : undefined,
    ],
  ];
  const verdictItems = VERDICT_ORDER.map((verdict) => {
    const label = VERDICT_LABELS[verdict];
    return `<li><a href="#verdict=${verdict}" title="${e(label.meaning)}"><span class="glyph v-${verdict}" aria-hidden="true">${label.glyph}</span> ${e(label.text)}: <strong>${totals.byVerdict[verdict]}</strong></a></li>`;
  }).join('');
  const outcomeItems = totals.byOutcome
    .map(
      ([outcome, count]) =>
        `<li><a href="#outcome=${outcome}"><span class="glyph o-${outcome}" aria-hidden="true">${OUTCOME_LABELS[outcome].glyph}</span> ${outcome}: <strong>${count}</strong></a></li>`,
    )
    .join('');
  // Folded: the summary line says what the reader scans for (which run, where, how long, pass rate per AMI);
  // the metadata and the AMI table open on a click. The totals stay one line below it.
  return `<section class="run-overview" aria-labelledby="run-heading">
<details class="run-details"><summary><h2 id="run-heading">Run</h2> <span class="run-summary">${runSummary(results, historyRuns)}</span></summary>
<div class="meta">
<dl>${meta
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([label, value]) => `<dt>${e(label)}</dt><dd>${value}</dd>`)
    .join('')}</dl>
${renderAmiTable(results)}
</div>
</details>
<div class="totals-line"><h3 id="totals">Totals</h3>
<ul class="totals" aria-label="totals per verdict"><li class="totals-label">per verdict</li>${verdictItems}</ul>
<ul class="totals" aria-label="totals per actual outcome"><li class="totals-label">per outcome</li>${outcomeItems}</ul></div>
</section>`;
}

/** One line: run id, backend, region, duration, history and the pass rate per AMI profile. */
function runSummary(results: RunResults, historyRuns: number): string {
  const { run } = results;
  const rates = passRatesByAmi(results.cells)
    .map((rate) => `${e(rate.ami)} ${formatRate(rate.rate)}`)
    .join(', ');
  return [
    `<code>${e(run.runId)}</code> on ${e(run.backend)}, ${e(run.region)}`,
    run.durationMs === undefined ? '' : e(formatDuration(run.durationMs)),
    historyRuns > 1 ? `${historyRuns} runs in the history` : '',
    rates ? `pass rate per AMI: ${rates}` : '',
  ]
    .filter((part) => part !== '')
    .join(' · ');
}

/** Every AMI profile of the run (metadata or cells) with its pass rate: as expected / cells with a verdict. */
function renderAmiTable(results: RunResults): string {
  const rates = new Map(passRatesByAmi(results.cells).map((rate) => [rate.ami, rate]));
  const profiles = [...new Set([...Object.keys(results.run.amis), ...rates.keys()])];
  if (profiles.length === 0) return '';
  const rows = profiles
    .map((profile) => {
      const ami = results.run.amis[profile];
      const rate = rates.get(profile);
      const meter =
        rate?.rate === undefined ? '' : `<meter min="0" max="1" value="${rate.rate}" aria-hidden="true"></meter> `;
      return `<tr><th scope="row">${e(profile)}</th><td><code>${e(ami?.imageId ?? 'unknown')}</code></td><td>${e(ami?.agentVersion ?? 'unknown')}</td><td class="rate">${meter}<strong>${formatRate(rate?.rate)}</strong></td><td>${rate?.pass ?? 0}</td><td>${rate?.fail ?? 0}</td><td>${rate?.infra ?? 0}</td></tr>`;
    })
    .join('');
  return `<table class="list amis"><caption>Pass rate per AMI (as expected of the cells with a verdict)</caption><thead><tr><th scope="col">Profile</th><th scope="col">Image id</th><th scope="col">ECS agent</th><th scope="col">Pass rate</th><th scope="col">${VERDICT_LABELS.pass.glyph} As expected</th><th scope="col">${VERDICT_LABELS.fail.glyph} Deviations</th><th scope="col">${VERDICT_LABELS.infra.glyph} No verdict</th></tr></thead><tbody>${rows}</tbody></table>`;
}
