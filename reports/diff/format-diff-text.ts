import { amiChanges } from './ami-changes.ts';
import { CHANGE_LABELS, LISTED_KINDS } from './diff-labels.ts';
import type { CellChange, ResultsDiff } from './diff-results.ts';

/** The terminal form of a diff: counts, AMI changes, then every change grouped by kind. */
export function formatDiffText(diff: ResultsDiff): string {
  const { counts } = diff;
  const lines = [
    `baseline  ${diff.baseline.runId} (${diff.baseline.startedAt}, ${diff.baseline.backend})`,
    `candidate ${diff.candidate.runId} (${diff.candidate.startedAt}, ${diff.candidate.backend})`,
    ...amiChanges(diff.baseline, diff.candidate).map((change) => `  AMI ${change}`),
    '',
    `${counts.regression} regressions, ${counts.fix} fixes, ${counts.changed} changed, ${counts.new} new, ${counts.removed} removed, ${counts.unchanged} unchanged`,
  ];
  for (const kind of LISTED_KINDS) {
    const changes = diff.changes.filter((change) => change.kind === kind);
    if (changes.length === 0) continue;
    lines.push('', `${CHANGE_LABELS[kind].heading}:`);
    for (const change of changes) lines.push(`  ${CHANGE_LABELS[kind].glyph} ${describeChange(change)}`);
  }
  lines.push('', counts.regression > 0 ? `FAIL: ${counts.regression} regressions` : 'OK: no regressions', '');
  return lines.join('\n');
}

/** `id: TASK_ROLE → INSTANCE_ROLE_DENIED (expected TASK_ROLE, rule known-good): <evidence>` */
export function describeChange(change: CellChange): string {
  const { baseline: before, candidate: after } = change;
  if (before && after) {
    const expected = before.expected === after.expected ? after.expected : `${before.expected} → ${after.expected}`;
    return `${change.id}: ${before.outcome} → ${after.outcome} (expected ${expected}, rule ${after.rule}): ${firstLine(after.decidedBy)}`;
  }
  const side = (after ?? before) as NonNullable<CellChange['baseline']>;
  return `${change.id}: ${side.outcome} (expected ${side.expected}, ${side.verdict === 'pass' ? 'as expected' : side.verdict === 'fail' ? 'deviation' : 'no verdict'})`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
