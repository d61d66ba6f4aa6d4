import { join } from 'node:path';
import type { RunResults } from '../core/results/results-schema.ts';
import { writeFileAtomic } from '../infra/files/atomic-file.ts';
import type { LeftOutRun } from './history/select-history.ts';
import { renderReportHtml } from './html/render-report-html.ts';
import { renderJunit } from './junit/render-junit.ts';
import { renderSummary } from './markdown/render-summary.ts';

/** What the reporter renders beside results.json (reports/results/results-file.ts). */
export const REPORT_FILES = {
  html: 'report.html',
  junit: 'junit.xml',
  summary: 'summary.md',
} as const;

/**
 * Renders report.html, junit.xml and summary.md for `results` into `outDir` (each atomically).
 * `history` holds earlier runs, oldest first; the newest (`results`) may be its last element or absent.
 * `leftOut`: runs given but not in the history (the report says which, and why).
 */
export function writeRenderedReports(
  outDir: string,
  results: RunResults,
  history: readonly RunResults[] = [],
  leftOut: readonly LeftOutRun[] = [],
): { html: string; junit: string; summary: string } {
  const paths = {
    html: join(outDir, REPORT_FILES.html),
    junit: join(outDir, REPORT_FILES.junit),
    summary: join(outDir, REPORT_FILES.summary),
  };
  writeFileAtomic(paths.html, renderReportHtml(results, history.length > 0 ? history : [results], leftOut));
  writeFileAtomic(paths.junit, renderJunit(results));
  writeFileAtomic(paths.summary, renderSummary(results));
  return paths;
}
