import type { RunResults } from '../../core/results/results-schema.ts';
import { groupByDiagnosis, groupTitle } from '../diagnoses/group-by-diagnosis.ts';
import { VERDICT_LABELS } from '../model/labels.ts';
import type { BoundedText } from './bounded-text.ts';
import { escapeMarkdownCell as md } from './markdown-escape.ts';

const MAX_CELLS = 10;
const MAX_FIXES = 4;

/**
 * "What broke" for summary.md: one entry per diagnosis group (deviations, then cells without a verdict)
 * with its cells, the fix, its documented source and its commands per AMI (the first few). Returns false once
 * the budget is spent.
 */
export function addWhatBroke(out: BoundedText, results: RunResults): boolean {
  const groups = groupByDiagnosis(results.cells);
  if (groups.length === 0) return true;
  out.add('### What broke');
  out.add('');
  for (const group of groups) {
    const count = group.cells.length;
    const cells = group.cells
      .slice(0, MAX_CELLS)
      .map((cell) => md(cell.id, 200))
      .join(', ');
    const more = count > MAX_CELLS ? ` and ${count - MAX_CELLS} more` : '';
    const source = group.diagnosis.source
      ? ` ([${md(group.diagnosis.source.title)}](${group.diagnosis.source.url}))`
      : '';
    const lines = [
      `- ${VERDICT_LABELS[group.verdict].glyph} **${md(groupTitle(group))}**${source}`,
      `  cells: ${cells}${more}`,
      `  fix: ${md(group.diagnosis.fix, 400)}`,
    ];
    for (const fix of group.fixes.slice(0, MAX_FIXES)) {
      lines.push(`  commands for ${md(fix.os)}:`, ...fence(fix.commands.join('\n')));
    }
    if (group.fixes.length > MAX_FIXES)
      lines.push(`  (${group.fixes.length - MAX_FIXES} more command lists in report.html)`);
    for (const line of lines) if (!out.add(line)) return false;
  }
  return out.add('');
}

/** A fenced code block (indented for the list item) whose fence is longer than any backtick run inside. */
function fence(text: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const marker = '`'.repeat(longest + 1);
  return [`  ${marker}sh`, ...text.split('\n').map((line) => `  ${line}`), `  ${marker}`];
}
