/**
 * Renders report.html for 2,000 cells with 30 runs of history (targets: < 2 s, < 5 MB), plus junit.xml
 * and summary.md, and prints medians; then opens the page in Debian's Chromium (when installed) and
 * times the first render and a filter change. No assertion: figures for a human.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { buildHistory } from '../reports/history/history.ts';
import { renderReportHtml } from '../reports/html/render-report-html.ts';
import { DEBIAN_CHROMIUM } from '../reports/html/testing/browser-support.ts';
import { renderJunit } from '../reports/junit/render-junit.ts';
import { renderSummary } from '../reports/markdown/render-summary.ts';
import { syntheticResults } from '../reports/testing/synthetic-results.ts';

const CELLS = 2_000;
const RUNS = 30;
const ROUNDS = 5;

const runs = Array.from({ length: RUNS }, (_, index) =>
  syntheticResults({
    cells: CELLS,
    seed: 42,
    outcomeSeed: index + 1,
    runId: `run-${index + 1}`,
    startedAt: new Date(Date.UTC(2026, 9, 1 + index, 2)).toISOString(),
  }),
);
const newest = runs.at(-1) as (typeof runs)[number];

function median(action: () => unknown): { ms: number; result: unknown } {
  const times: number[] = [];
  let result: unknown;
  for (let round = 0; round < ROUNDS; round += 1) {
    const start = performance.now();
    result = action();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] as number, result };
}

const html = median(() => renderReportHtml(newest, runs));
const htmlBytes = Buffer.byteLength(html.result as string);
const flaky = [...buildHistory(runs).values()].filter((history) => history.flaky).length;
const junit = median(() => renderJunit(newest));
const summary = median(() => renderSummary(newest));

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(44)} ${value}\n`);
line(
  `report.html, ${CELLS} cells × ${RUNS} runs of history`,
  `${html.ms.toFixed(0)} ms median of ${ROUNDS} (target < 2000 ms)`,
);
line('report.html size', `${mb(htmlBytes)} (target < 5 MB)`);
line('cells marked flaky', String(flaky));
line('junit.xml', `${junit.ms.toFixed(0)} ms, ${mb(Buffer.byteLength(junit.result as string))}`);
line('summary.md', `${summary.ms.toFixed(0)} ms, ${mb(Buffer.byteLength(summary.result as string))} (limit 1 MiB)`);

const CHROMIUM = DEBIAN_CHROMIUM.launchOptions.executablePath;
if (existsSync(CHROMIUM)) {
  const dir = await mkdtemp(join(tmpdir(), 'etr-bench-report-'));
  const browser = await chromium.launch(DEBIAN_CHROMIUM.launchOptions);
  try {
    const file = join(dir, 'report.html');
    await writeFile(file, html.result as string);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pathToFileURL(file).href);
    await page.locator('#matrix table').waitFor();
    const firstRender = await page.evaluate(() => performance.now());
    const filter = await page.evaluate(() => {
      const start = performance.now();
      (document.querySelector('input[data-key="verdict:pass"]') as HTMLInputElement).click();
      return performance.now() - start;
    });
    line('browser: page ready (navigation → matrix)', `${firstRender.toFixed(0)} ms`);
    line('browser: re-render after a filter change', `${filter.toFixed(0)} ms`);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
} else {
  line('browser timings', `skipped (${CHROMIUM} not installed)`);
}
