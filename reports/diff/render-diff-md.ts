import { BoundedText } from '../markdown/bounded-text.ts';
import { escapeMarkdownCell as md } from '../markdown/markdown-escape.ts';
import { SUMMARY_LIMIT_BYTES } from '../markdown/render-summary.ts';
import { amiChanges, comparedChanges } from './ami-changes.ts';
import { CHANGE_LABELS, countsLine, expectedText, LISTED_KINDS, markOf, verdictChange } from './diff-labels.ts';
import type { ResultsDiff } from './diff-results.ts';
import { matrixLine } from './format-diff-text.ts';

/** diff.md for a CI step summary (same 1 MB bound as summary.md). */
export function renderDiffMarkdown(diff: ResultsDiff, limitBytes = SUMMARY_LIMIT_BYTES): string {
  const { counts } = diff;
  const out = new BoundedText(limitBytes, 1_000);
  out.add(`## ECS task-role conformance diff: ${gateHeading(diff)}`);
  out.add('');
  for (const reason of diff.gate.failures) out.add(`- ✗ ${md(reason)}`);
  for (const reason of diff.gate.accepted) out.add(`- ✓ ${md(reason)}`);
  for (const note of diff.gate.notes) out.add(`- note: ${md(note)}`);
  if (diff.gate.failures.length + diff.gate.accepted.length + diff.gate.notes.length > 0) out.add('');
  out.add(
    `baseline ${md(diff.baseline.runId)} (${md(diff.baseline.startedAt)}) → candidate ${md(diff.candidate.runId)} (${md(diff.candidate.startedAt)})`,
  );
  out.add('');
  for (const change of amiChanges(diff.baseline, diff.candidate)) out.add(`- AMI ${md(change)}`);
  for (const change of comparedChanges(diff.matrix)) out.add(`- ${md(change)}`);
  out.add(`- ${md(matrixLine(diff))}`);
  out.add('');
  out.add(`**${countsLine(counts, ' · ')}**`);
  for (const kind of LISTED_KINDS) {
    const changes = diff.changes.filter((change) => change.kind === kind);
    if (changes.length === 0) continue;
    out.add('');
    out.add(`### ${CHANGE_LABELS[kind].glyph} ${CHANGE_LABELS[kind].heading} (${changes.length})`);
    out.add('');
    out.add('| Cell | Baseline | Candidate | Expected | Verdict | Evidence (candidate) |');
    out.add('|---|---|---|---|---|---|');
    for (const change of changes) {
      const row = `| ${markOf(change)} ${md(change.id, 200)} | ${change.baseline?.outcome ?? '–'} | ${change.candidate?.outcome ?? '–'} | ${md(expectedText(change))} | ${md(verdictChange(change))} | ${md(change.candidate?.decidedBy ?? '')} |`;
      if (!out.add(row)) break;
    }
  }
  return out.finish(
    (refused) => `\n> Cut at ${limitBytes} bytes: ${refused} more lines left out; diff.json has every change.`,
  );
}

/** `✗ 2 behaviour changes`, `✗ gate failed (1 reasons)` or `✓ same behaviour`: the one line a reader needs. */
export function gateHeading(diff: ResultsDiff): string {
  if (diff.gate.passed) return diff.gate.accepted.length > 0 ? '✓ passed, with accepted changes' : '✓ same behaviour';
  const open = diff.changes.filter((change) => change.kind === 'behaviour' && !change.accepted).length;
  return open > 0 ? `✗ ${open} behaviour changes` : `✗ gate failed (${diff.gate.failures.length} reasons)`;
}
