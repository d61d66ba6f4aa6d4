import { diagnose } from '../../core/diagnoses/diagnose.ts';
import { ruleText } from '../../core/diagnoses/override-diagnosis.ts';
import type { CellResult, RunResults, Verdict } from '../../core/results/results-schema.ts';
import { formatDuration } from '../html/render-header.ts';
import { OUTCOME_LABELS, VERDICT_LABELS, VERDICT_ORDER } from '../model/labels.ts';
import { formatRate, passRatesByAmi } from '../model/pass-rate.ts';
import { byVerdictThenId, totalsOf } from '../model/totals.ts';
import { BoundedText } from './bounded-text.ts';
import { type GithubEnv, githubRunUrl } from './github-actions.ts';
import { escapeMarkdownCell as md } from './markdown-escape.ts';
import { addWhatBroke } from './what-broke-md.ts';

/** GitHub rejects step summaries over 1 MiB; stay clearly below it whatever the matrix. */
export const SUMMARY_LIMIT_BYTES = 1_000_000;
const NOTE_RESERVE_BYTES = 1_000;

/**
 * summary.md for CI step summaries: totals, the Actions run's link (when in Actions), the pass rate per
 * AMI, what broke grouped by diagnosis with its fix, a verdict count per AMI × network mode, every
 * deviation with its fix, every cell without a verdict, run-level failures. Long parts are cut with a note.
 */
export function renderSummary(
  results: RunResults,
  limitBytes = SUMMARY_LIMIT_BYTES,
  env: GithubEnv = process.env,
): string {
  const out = new BoundedText(limitBytes, NOTE_RESERVE_BYTES);
  addHeadline(out, results);
  addRunLinkAndRates(out, results.cells, env);
  addWhatBroke(out, results);
  addPivot(out, results.cells);
  const sorted = [...results.cells].sort(byVerdictThenId);
  addDeviations(out, sorted);
  addInfraErrors(out, sorted);
  for (const error of results.errors ?? []) {
    out.add(`- ⚠ failure outside any cell, ${md(error.where, 200)}: ${md(error.message)}`);
  }
  out.add('');
  out.add('Full matrix with evidence, task logs and fixes: report.html (artifact).');
  return out.finish(
    (refused) =>
      `\n> Summary cut at ${limitBytes} bytes for GitHub's step summary limit: ${refused} more lines left out. report.html and results.json have every cell.`,
  );
}

/** Title, the run's facts and AMIs, the count per verdict and per outcome. */
function addHeadline(out: BoundedText, { run, cells }: RunResults): void {
  const totals = totalsOf(cells);
  const amis = Object.entries(run.amis)
    .map(
      ([profile, ami]) =>
        `${md(profile)} ${md(ami.imageId)}${ami.agentVersion ? ` (agent ${md(ami.agentVersion)})` : ''}`,
    )
    .join(', ');
  out.add(`## ECS task-role conformance: ${md(run.matrixName)} on ${md(run.backend)} (${md(run.region)})`);
  out.add('');
  out.add(
    [
      `run ${md(run.runId)}`,
      `started ${md(run.startedAt)}`,
      run.durationMs === undefined ? '' : formatDuration(run.durationMs),
      run.commit ? `commit ${md(run.commit)}` : '',
      amis ? `AMIs: ${amis}` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  );
  out.add('');
  const verdicts = VERDICT_ORDER.map(
    (v) => `${VERDICT_LABELS[v].glyph} ${totals.byVerdict[v]} ${VERDICT_LABELS[v].text}`,
  );
  out.add(`**${cells.length} cells: ${verdicts.join(' · ')}**`);
  out.add('');
  out.add(
    `Outcomes: ${totals.byOutcome.map(([outcome, count]) => `${OUTCOME_LABELS[outcome].glyph} ${outcome} ${count}`).join(' · ')}`,
  );
  out.add('');
}

/** The Actions run's link (when in Actions) and the pass rate per AMI. */
function addRunLinkAndRates(out: BoundedText, cells: readonly CellResult[], env: GithubEnv): void {
  const runUrl = githubRunUrl(env);
  if (runUrl) {
    out.add(`[This workflow run](${runUrl}): its log, and report.html among its artifacts.`);
    out.add('');
  }
  const rates = passRatesByAmi(cells);
  if (rates.length > 0) {
    out.add(
      `Pass rate per AMI (as expected of the cells with a verdict): ${rates.map((rate) => `${md(rate.ami, 40)} ${formatRate(rate.rate)}`).join(' · ')}`,
    );
    out.add('');
  }
}

/** Every deviation with its expectation, evidence and first fix, until the summary is full. */
function addDeviations(out: BoundedText, sorted: readonly CellResult[]): void {
  const deviations = sorted.filter((cell) => cell.verdict === 'fail');
  if (deviations.length === 0) return;
  out.add(`### ${VERDICT_LABELS.fail.glyph} Deviations (${deviations.length})`);
  out.add('');
  out.add('| Cell | Expected | Actual | Decided by | Fix |');
  out.add('|---|---|---|---|---|');
  for (const cell of deviations) {
    const fix = diagnose(cell).items[0];
    const row = `| ${md(cell.id, 200)} | ${label(cell.expected.outcome)} (${md(ruleText(cell), 400)}) | ${label(cell.actual.outcome)} | ${md(cell.actual.evidence.decidedBy)} | ${md(fix ? fix.fix : '', 200)} |`;
    if (!out.add(row)) break;
  }
  out.add('');
}

/** Every cell without a verdict (an infrastructure error), until the summary is full. */
function addInfraErrors(out: BoundedText, sorted: readonly CellResult[]): void {
  const infra = sorted.filter((cell) => cell.verdict === 'infra');
  if (infra.length === 0) return;
  out.add(`### ${VERDICT_LABELS.infra.glyph} No verdict: infrastructure errors (${infra.length})`);
  out.add('');
  out.add('| Cell | Outcome | Error |');
  out.add('|---|---|---|');
  for (const cell of infra) {
    if (!out.add(`| ${md(cell.id, 200)} | ${label(cell.actual.outcome)} | ${md(cell.actual.evidence.decidedBy)} |`))
      break;
  }
  out.add('');
}

function label(outcome: CellResult['actual']['outcome']): string {
  return `${OUTCOME_LABELS[outcome].glyph} ${outcome}`;
}

/** Verdict counts per AMI (rows) × network mode (columns). */
function addPivot(out: BoundedText, cells: readonly CellResult[]): void {
  const amis = [...new Set(cells.map((cell) => cell.dimensions.ami))];
  const networks = [...new Set(cells.map((cell) => cell.dimensions.network))];
  if (amis.length === 0) return;
  out.add(`| ami ↓ network → | ${networks.map((network) => md(network, 40)).join(' | ')} |`);
  out.add(`|---|${networks.map(() => '---').join('|')}|`);
  for (const ami of amis) {
    const slots = networks.map((network) => {
      const counts: Record<Verdict, number> = { fail: 0, infra: 0, pass: 0 };
      for (const cell of cells) {
        if (cell.dimensions.ami === ami && cell.dimensions.network === network) counts[cell.verdict] += 1;
      }
      return VERDICT_ORDER.filter((v) => counts[v] > 0)
        .map((v) => `${VERDICT_LABELS[v].glyph} ${counts[v]} ${VERDICT_LABELS[v].text}`)
        .join(', ');
    });
    if (!out.add(`| ${md(ami, 40)} | ${slots.map((slot) => slot || '–').join(' | ')} |`)) return;
  }
  out.add('');
}
