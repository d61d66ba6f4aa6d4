import { terminalText } from '../../core/text/safe-text.ts';
import { VERDICT_LABELS } from '../model/labels.ts';
import { amiChanges, comparedChanges } from './ami-changes.ts';
import type { CellChange } from './diff-kinds.ts';
import { CHANGE_LABELS, countsLine, expectedText, LISTED_KINDS, markOf, verdictChange } from './diff-labels.ts';
import type { ResultsDiff } from './diff-results.ts';

/**
 * The terminal form of a diff: the runs, whether they are of the same matrix, counts, every change
 * grouped by kind, then the gate's verdict with every reason. Data from the results files is escaped:
 * an ESC in a cell id must not reach the terminal.
 */
export function formatDiffText(diff: ResultsDiff): string {
  const lines = [
    `baseline  ${diff.baseline.runId} (${diff.baseline.startedAt}, ${diff.baseline.backend}, matrix ${diff.baseline.matrixName})`,
    `candidate ${diff.candidate.runId} (${diff.candidate.startedAt}, ${diff.candidate.backend}, matrix ${diff.candidate.matrixName})`,
    ...amiChanges(diff.baseline, diff.candidate).map((change) => `  AMI ${change}`),
    ...comparedChanges(diff.matrix).map((change) => `  ${change}`),
    matrixLine(diff),
    '',
    countsLine(diff.counts, ', '),
  ];
  for (const kind of LISTED_KINDS) {
    const changes = diff.changes.filter((change) => change.kind === kind);
    if (changes.length === 0) continue;
    lines.push('', `${CHANGE_LABELS[kind].heading}:`);
    for (const change of changes) lines.push(`  ${markOf(change)} ${describeChange(change)}`);
  }
  lines.push('', gateLine(diff));
  for (const reason of [...diff.gate.failures, ...diff.gate.accepted]) lines.push(`  - ${reason}`);
  for (const note of diff.gate.notes) lines.push(`  note: ${note}`);
  lines.push('');
  return terminalText(lines.join('\n'));
}

/** Same matrix or not, decided by the cells' configurations (a name proves nothing). */
export function matrixLine(diff: ResultsDiff): string {
  const { matrix } = diff;
  if (diff.sameRun) return `same run on both sides (${diff.candidate.runId}): nothing to compare`;
  if (matrix.same) {
    const renamed =
      matrix.baselineName === matrix.candidateName
        ? ''
        : ` (renamed "${matrix.baselineName}" → "${matrix.candidateName}")`;
    return `same matrix: the same ${matrix.shared} configurations in both runs${renamed}`;
  }
  const names =
    matrix.baselineName === matrix.candidateName
      ? `, though both are named "${matrix.baselineName}"`
      : ` ("${matrix.baselineName}" → "${matrix.candidateName}")`;
  return `different matrices${names}: ${matrix.shared} configurations in both, ${matrix.onlyInBaseline} only in the baseline, ${matrix.onlyInCandidate} only in the candidate`;
}

/** `FAIL: …` or `OK: …`, the line a CI log is searched for. */
export function gateLine(diff: ResultsDiff): string {
  if (!diff.gate.passed) return `FAIL: the candidate does not pass the gate (${diff.gate.failures.length} reasons):`;
  return diff.gate.accepted.length > 0
    ? 'OK: no behaviour change beyond what the flags accepted:'
    : 'OK: every configuration behaves as in the baseline, every cell judged';
}

/** `id: TASK_ROLE → INSTANCE_ROLE (expected TASK_ROLE (rule known-good); as expected → deviation): <evidence>` */
export function describeChange(change: CellChange): string {
  const { baseline: before, candidate: after } = change;
  const verdict = verdictChange(change);
  const notes = [
    `expected ${expectedText(change)}`,
    ...(change.expectationMoved ? ['the expectation moved with it: its own verdict hides the change'] : []),
    ...(verdict ? [verdict] : []),
    ...(change.accepted ? ['accepted'] : []),
  ].join('; ');
  if (before && after) {
    const outcome =
      before.outcome === after.outcome ? `${after.outcome} in both` : `${before.outcome} → ${after.outcome}`;
    const metadata =
      before.metadataRead !== after.metadataRead
        ? `, IMDS metadata ${before.metadataRead ?? 'no report'} → ${after.metadataRead ?? 'no report'}`
        : '';
    return `${change.id}: ${outcome}${metadata} (${notes}): ${firstLine(after.decidedBy)}`;
  }
  const side = (after ?? before) as NonNullable<CellChange['baseline']>;
  return `${change.id}: ${side.outcome} (expected ${side.expected}, ${VERDICT_LABELS[side.verdict].text})`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
