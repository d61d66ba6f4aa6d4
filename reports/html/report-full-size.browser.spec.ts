/**
 * The report at full size: the default matrix (77 cells) with history, read on one 1920×1080 screen and on
 * a 1280×800 one. Heights are budgets for the layout (fonts differ between machines), not timings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { loadMatrix } from '../../core/matrix/index.ts';
import type { Outcome } from '../../core/outcome.ts';
import type { RunResults } from '../../core/results/results-schema.ts';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { syntheticResults } from '../testing/synthetic-results.ts';
import { writeRenderedReports } from '../write-reports.ts';
import { DEBIAN_CHROMIUM, watch } from './testing/browser-support.ts';

test.use({ ...DEBIAN_CHROMIUM, viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });

let dir: string;

/** One run of the default matrix; `outcomes` overrides some cells' actual outcome. */
async function defaultMatrixRun(
  runId: string,
  startedAt: string,
  outcomes: Record<string, Outcome>,
): Promise<RunResults> {
  const matrix = await loadMatrix();
  return {
    ...syntheticResults({ runId, startedAt }),
    cells: matrix.cells.map((cell) => cellWith(cell.dimensions, outcomes[cell.id])),
  };
}

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-report-full-'));
  const before = await defaultMatrixRun('night-1', '2026-11-19T02:00:00.000Z', {
    'network=host': 'INSTANCE_ROLE_DENIED',
  });
  const now = await defaultMatrixRun('night-2', '2026-11-20T02:00:00.000Z', {
    'network=host': 'INSTANCE_ROLE_DENIED',
    'client=awscli-v1': 'ENDPOINT_ERROR',
  });
  writeRenderedReports(join(dir, 'default'), now, [before, now]);
  // A matrix that varies two dimensions only.
  const two = syntheticResults({ runId: 'two' });
  two.cells = ['al2023-ecs', 'al2-ecs'].flatMap((ami) =>
    ['awscli-v2', 'sdk-js-v3', 'sdk-js-v2'].map((client) =>
      cellWith({ ami: ami as 'al2-ecs', client: client as 'sdk-js-v3' }),
    ),
  );
  writeRenderedReports(join(dir, 'two'), two);
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The page's height as laid out (scrollHeight is never less than the viewport). */
function contentHeight(page: Page): Promise<number> {
  return page.evaluate(() =>
    Math.ceil(
      document.body.getBoundingClientRect().bottom + Number.parseFloat(getComputedStyle(document.body).marginBottom),
    ),
  );
}

const url = (name: string) => pathToFileURL(join(dir, name, 'report.html')).href;

test('the default matrix with history: the groups since the last run, the matrix, no raw time; compact', async ({
  page,
}, testInfo) => {
  const problems = watch(page);
  await page.goto(url('default'));
  await expect(page.locator('[data-change="new"] h3')).toHaveText('New deviations: 1');
  await expect(page.locator('[data-change="new"]')).toContainText('client=awscli-v1');
  await expect(page.locator('[data-change="still"]')).toContainText('network=host');
  // What broke starts on the first screen.
  const whatBroke = await page.getByRole('heading', { name: 'What broke' }).boundingBox();
  expect(whatBroke?.y ?? Number.POSITIVE_INFINITY).toBeLessThan(800 - 200);
  // The matrix opens on the two deviations; the 75 cells as expected are one click away.
  await expect(page.locator('#matrix button.cell')).toHaveCount(2);
  await expect(page.locator('#shown')).toHaveText(
    'Showing 2 of 77 cells — 75 as expected folded away (tick "as expected" or "Show every cell")',
  );
  // Times in the reader's time zone and words, never an ISO string.
  await expect(page.locator('header')).toContainText('started 20 Nov 2026, 03:00 CET');
  // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees (the data block's JSON is not shown).
  expect(await page.locator('body').innerText()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  await testInfo.attach('default-matrix', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
  // Before: 4,703 px for these runs (AMI × network, ~50 cards in one list), then 4,154 px at 1280×800 with
  // every card shown, 2,433 px with the cells as expected folded away; 1,410 px since the run's details fold
  // under their summary line and the controls and cards are compact.
  expect(await contentHeight(page)).toBeLessThan(1600);
  await page.locator('button[data-key="reset"]').click();
  await expect(page.locator('#matrix button.cell')).toHaveCount(77);
  const matrix = await page.locator('#matrix').boundingBox();
  // Every cell shown: 1,967 px since the matrix grew (the fixture's 77 cells vary more dimensions), 1,559 px
  // with compact cards (the history strip on the comparison's line, a slot's few cards sharing its width).
  expect(matrix?.height ?? Number.POSITIVE_INFINITY).toBeLessThan(1800);
  expect(problems).toEqual([]);
});

test('on a 1920×1080 screen the whole report fits: groups, what broke with its commands, run, totals, matrix', async ({
  page,
}, testInfo) => {
  const problems = watch(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(url('default'));
  await expect(page.locator('#matrix button.cell')).toHaveCount(2);
  // The run's details are folded under a summary that still names the run and the pass rate per AMI.
  await expect(page.locator('details.run-details')).not.toHaveAttribute('open');
  await expect(page.locator('details.run-details summary')).toContainText('night-2 on lab');
  await expect(page.locator('details.run-details summary')).toContainText('pass rate per AMI: al2023-ecs 96%');
  await expect(page.locator('#what-broke pre.commands').first()).toBeVisible();
  await testInfo.attach('default-matrix-1920', { body: await page.screenshot(), contentType: 'image/png' });
  // Before: 2,077 px (every section one under the other, the run's details open); 1,071 px now.
  expect(await contentHeight(page)).toBeLessThan(1150);
  await page.locator('details.run-details summary').click();
  await expect(page.locator('details.run-details table.amis')).toBeVisible();
  expect(problems).toEqual([]);
});

test('the pivot and the filters are the dimensions that vary', async ({ page }) => {
  const problems = watch(page);
  await page.goto(url('two'));
  await expect(page.locator('#matrix thead th')).toHaveText(['client ↓ · ami →', 'al2023-ecs', 'al2-ecs']);
  await expect(page.locator('#controls details[data-key^="group:"] summary')).toHaveText(['ami: all', 'client: all']);
  await expect(page.locator('select[data-key="rows"] option')).toHaveText(['(none)', 'ami', 'client']);
  await expect(page).not.toHaveURL(/#/);
  expect(problems).toEqual([]);
});
