import type { RunResults } from '../core/results/results-schema.ts';

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
      `  ${mark}  ${cell.id}: expected ${cell.expected.outcome} (${cell.expected.rule}), got ${cell.actual.outcome} — ${cell.actual.evidence.decidedBy}`,
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
  files: { results: string; report: string };
  teardown?: { deleted: number; leftovers: string[] };
}

export function runSummaryDocument(
  results: RunResults | undefined,
  context: {
    exitCode: number;
    interrupted?: string;
    files: RunSummaryDocument['files'];
    teardown?: { runId: string; deleted: readonly string[]; leftovers: readonly string[] };
  },
): RunSummaryDocument {
  const cells = results?.cells ?? [];
  const count = (verdict: string) => cells.filter((cell) => cell.verdict === verdict).length;
  const runId = results?.run.runId ?? context.teardown?.runId;
  return {
    ...(runId ? { runId } : {}),
    exitCode: context.exitCode,
    ...(context.interrupted ? { interrupted: context.interrupted } : {}),
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
    files: context.files,
    ...(context.teardown
      ? { teardown: { deleted: context.teardown.deleted.length, leftovers: [...context.teardown.leftovers] } }
      : {}),
  };
}
