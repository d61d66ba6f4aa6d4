import { terminalText } from '../../core/text/safe-text.ts';
import { amiChanges } from './ami-changes.ts';
import { CHANGE_LABELS, countsLine, LISTED_KINDS } from './diff-labels.ts';
import type { CellChange, ResultsDiff } from './diff-results.ts';

/**
 * The terminal form of a diff: counts, AMI changes, every change grouped by kind, then the gate's
 * verdict with every reason. Data from the results files is escaped: an ESC in a cell id must not
 * reach the terminal.
 */
export function formatDiffText(diff: ResultsDiff): string {
  const lines = [
    `baseline  ${diff.baseline.runId} (${diff.baseline.startedAt}, ${diff.baseline.backend}, matrix ${diff.baseline.matrixName})`,
    `candidate ${diff.candidate.runId} (${diff.candidate.startedAt}, ${diff.candidate.backend}, matrix ${diff.candidate.matrixName})`,
    ...amiChanges(diff.baseline, diff.candidate).map((change) => `  AMI ${change}`),
    '',
    countsLine(diff.counts, ', '),
  ];
  for (const kind of LISTED_KINDS) {
    const changes = diff.changes.filter((change) => change.kind === kind);
    if (changes.length === 0) continue;
    lines.push('', `${CHANGE_LABELS[kind].heading}:`);
    for (const change of changes) lines.push(`  ${CHANGE_LABELS[kind].glyph} ${describeChange(change)}`);
  }
  lines.push('', gateLine(diff));
  for (const reason of [...diff.gate.failures, ...diff.gate.accepted]) lines.push(`  - ${reason}`);
  lines.push('');
  return terminalText(lines.join('\n'));
}

/** `FAIL: …` or `OK: …`, the line a CI log is searched for. */
export function gateLine(diff: ResultsDiff): string {
  if (!diff.gate.passed) return `FAIL: the candidate does not pass the gate (${diff.gate.failures.length} reasons):`;
  return diff.gate.accepted.length > 0
    ? 'OK: no regressions (with what the --allow flags accepted):'
    : 'OK: no regressions, no cell lost, every cell judged';
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
