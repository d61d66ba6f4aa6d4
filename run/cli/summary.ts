import { ruleText } from '../../core/diagnoses/override-diagnosis.ts';
import type { RunResults } from '../../core/results/results-schema.ts';

/** The end-of-run summary: totals, every deviation and infrastructure error, and where the report is. */
export function formatRunSummary(results: RunResults, reportPath: string): string {
  const count = (verdict: string) => results.cells.filter((cell) => cell.verdict === verdict).length;
  const lines = [
    '',
    `${results.cells.length} cells: ${count('pass')} as expected, ${count('fail')} deviations, ${count('infra')} infrastructure errors`,
  ];
  for (const cell of results.cells.filter((c) => c.verdict !== 'pass')) {
    const mark = cell.verdict === 'fail' ? '✗ deviation' : '! infra';
    lines.push(
      `  ${mark}  ${cell.id}: expected ${cell.expected.outcome} (${ruleText(cell)}), got ${cell.actual.outcome} — ${cell.actual.evidence.decidedBy}`,
    );
  }
  lines.push(`report: ${reportPath}`, '');
  return lines.join('\n');
}

/** `run --json`: the run's outcome as one document on stdout (everything else goes to stderr). */
export interface RunSummaryDocument {
  runId?: string;
  exitCode: number;
  interrupted?: string;
  /** Why the run failed before it could report its cells (exit 2 or 3). */
  error?: { kind: 'bad-input' | 'infrastructure' | 'unexpected'; message: string };
  cells: { total: number; asExpected: number; deviations: number; infrastructureErrors: number };
  /** Every cell that was not as expected: what was expected, what happened, and the line that decided it. */
  notAsExpected: Array<{
    id: string;
    verdict: 'fail' | 'infra';
    expected: string;
    rule: string;
    actual: string;
    decidedBy: string;
  }>;
  /** Absent when the run wrote none (it stopped before its cells, or selected none). */
  files?: { results: string; report: string };
  /** What the teardown did, when it ran; `nothingCreated`: the run's journal never recorded a create. */
  teardown?: { deleted: number; leftovers: string[]; nothingCreated: boolean };
}

export function runSummaryDocument(
  results: RunResults | undefined,
  context: {
    exitCode: number;
    runId?: string;
    interrupted?: string;
    error?: RunSummaryDocument['error'];
    files?: RunSummaryDocument['files'];
    teardown?: { runId: string; deleted: readonly string[]; leftovers: readonly string[]; nothingCreated?: boolean };
  },
): RunSummaryDocument {
  const cells = results?.cells ?? [];
  const count = (verdict: string) => cells.filter((cell) => cell.verdict === verdict).length;
  const runId = results?.run.runId ?? context.teardown?.runId ?? context.runId;
  return {
    ...(runId ? { runId } : {}),
    exitCode: context.exitCode,
    ...(context.interrupted ? { interrupted: context.interrupted } : {}),
    ...(context.error ? { error: context.error } : {}),
    cells: {
      total: cells.length,
      asExpected: count('pass'),
      deviations: count('fail'),
      infrastructureErrors: count('infra'),
    },
    notAsExpected: cells.flatMap((cell) =>
      cell.verdict === 'pass'
        ? []
        : [
            {
              id: cell.id,
              verdict: cell.verdict,
              expected: cell.expected.outcome,
              rule: cell.expected.rule,
              actual: cell.actual.outcome,
              decidedBy: cell.actual.evidence.decidedBy,
            },
          ],
    ),
    ...(context.files ? { files: context.files } : {}),
    ...(context.teardown
      ? {
          teardown: {
            deleted: context.teardown.deleted.length,
            leftovers: [...context.teardown.leftovers],
            nothingCreated: context.teardown.nothingCreated === true,
          },
        }
      : {}),
  };
}
