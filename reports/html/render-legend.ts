import { INFRA_OUTCOMES, OUTCOME_MEANINGS, OUTCOMES } from '../../core/outcome.ts';
import { OUTCOME_LABELS, VERDICT_LABELS, VERDICT_ORDER } from '../model/labels.ts';
import { escapeHtml as e } from './escape.ts';

/** "How to read this report" for someone who never saw the tool. */
export function renderLegend(): string {
  const outcomes = OUTCOMES.map(
    (outcome) =>
      `<tr><td><span class="glyph" aria-hidden="true">${OUTCOME_LABELS[outcome].glyph}</span> ${outcome}</td><td>${e(OUTCOME_MEANINGS[outcome])}${INFRA_OUTCOMES.has(outcome) ? ' (never a verdict)' : ''}</td></tr>`,
  ).join('');
  const verdicts = VERDICT_ORDER.map(
    (verdict) =>
      `<tr><td><span class="glyph" aria-hidden="true">${VERDICT_LABELS[verdict].glyph}</span> ${e(VERDICT_LABELS[verdict].text)}</td><td>${e(VERDICT_LABELS[verdict].meaning)}</td></tr>`,
  ).join('');
  return `<details class="legend-box"><summary>How to read this report</summary>
<p>Every <em>cell</em> is one configuration (AMI, network mode, agent flags, client, …) in which the suite ran AWS's known-good
test task. The cell id names what differs from the known-good configuration. Each cell shows its <strong>actual outcome</strong>
and whether that is what the documented ECS behaviour predicts. Click a cell for the evidence, the task log, the rule it was
judged by and a diagnosis with the fix. Choose any dimension for rows and columns; filters are kept in the address, so a link
shows the same view.</p>
<table class="list legend"><caption>Outcomes</caption><tbody>${outcomes}</tbody></table>
<table class="list legend"><caption>Verdicts</caption><tbody>${verdicts}</tbody></table>
</details>`;
}
