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
