import { BoundedText } from '../markdown/bounded-text.ts';
import { escapeMarkdownCell as md } from '../markdown/markdown-escape.ts';
import { SUMMARY_LIMIT_BYTES } from '../markdown/render-summary.ts';
import { amiChanges } from './ami-changes.ts';
import { CHANGE_LABELS, LISTED_KINDS } from './diff-labels.ts';
import type { ResultsDiff } from './diff-results.ts';

/** diff.md for a CI step summary (same 1 MB bound as summary.md). */
export function renderDiffMarkdown(diff: ResultsDiff, limitBytes = SUMMARY_LIMIT_BYTES): string {
  const { counts } = diff;
  const out = new BoundedText(limitBytes, 1_000);
  out.add(
    `## ECS task-role conformance diff: ${counts.regression > 0 ? `✗ ${counts.regression} regressions` : '✓ no regressions'}`,
  );
  out.add('');
  out.add(
    `baseline ${md(diff.baseline.runId)} (${md(diff.baseline.startedAt)}) → candidate ${md(diff.candidate.runId)} (${md(diff.candidate.startedAt)})`,
  );
  out.add('');
  for (const change of amiChanges(diff.baseline, diff.candidate)) out.add(`- AMI ${md(change)}`);
  out.add('');
  out.add(
    `**${counts.regression} regressions · ${counts.fix} fixes · ${counts.changed} changed · ${counts.new} new · ${counts.removed} removed · ${counts.unchanged} unchanged**`,
  );
  for (const kind of LISTED_KINDS) {
    const changes = diff.changes.filter((change) => change.kind === kind);
    if (changes.length === 0) continue;
    out.add('');
    out.add(`### ${CHANGE_LABELS[kind].glyph} ${CHANGE_LABELS[kind].heading} (${changes.length})`);
    out.add('');
    out.add('| Cell | Baseline | Candidate | Expected | Evidence (candidate) |');
    out.add('|---|---|---|---|---|');
    for (const change of changes) {
      const expected = change.candidate?.expected ?? change.baseline?.expected ?? '';
      const row = `| ${md(change.id, 200)} | ${change.baseline?.outcome ?? '–'} | ${change.candidate?.outcome ?? '–'} | ${expected} | ${md(change.candidate?.decidedBy ?? '')} |`;
      if (!out.add(row)) break;
    }
  }
  return out.finish(
    (refused) => `\n> Cut at ${limitBytes} bytes: ${refused} more lines left out; diff.json has every change.`,
  );
}
