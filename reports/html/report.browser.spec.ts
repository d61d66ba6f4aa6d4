import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { DIMENSIONS } from '../../core/matrix/dimensions.ts';
import { runCli } from '../../testing/run-cli.ts';
import { FIXTURE_CELLS, FIXTURE_CONSOLE, reportFixtureRuns } from '../testing/report-fixture-runs.ts';
import { HOSTILE_LINE } from '../testing/synthetic-results.ts';
import { writeRenderedReports } from '../write-reports.ts';
import { DEBIAN_CHROMIUM, watch } from './testing/browser-support.ts';

// A reader in Berlin: the page shows times in the browser's locale and time zone.
test.use({ ...DEBIAN_CHROMIUM, locale: 'en-GB', timezoneId: 'Europe/Berlin' });

let dir: string;
/** Rendered by the real CLI (`report` with three runs of history): the path users take. */
let reportUrl: string;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-report-browser-'));
  const files = await Promise.all(
    reportFixtureRuns().map(async (run, index) => {
      const file = join(dir, `results-${index}.json`);
      await writeFile(file, JSON.stringify(run));
      return file;
    }),
  );
  const { exitCode, stderr } = await runCli(['report', ...files, '--out', dir]);
  expect(exitCode, stderr).toBe(0);
  reportUrl = pathToFileURL(join(dir, 'report.html')).href;
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cellButton = (page: Page, id: string) => page.locator(`#matrix button.cell[data-cell="${id}"]`);

test('AMI × network view: metadata, totals, verdict glyph and words in every cell', async ({ page }, testInfo) => {
  const problems = watch(page);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${reportUrl}#rows=ami&cols=network&verdict=all`);
  await expect(page.locator('h1')).toHaveText('ECS task-role conformance: default on lab');
  const overview = page.locator('section.run-overview');
  await expect(overview).toContainText('ami-0a2023ecs0000001');
  await expect(overview).toContainText('1.101.0');
  await expect(overview).toContainText('3 runs (this one and 2 before it)');
  await expect(page.locator('ul.totals').first()).toContainText('≠ deviation: 1');
  await expect(page.locator('ul.totals').first()).toContainText('? no verdict: 1');
  await expect(page.locator('#matrix thead th')).toHaveText(['ami ↓ · network →', 'bridge', 'host', 'awsvpc']);
  await expect(page.locator('#matrix tbody th')).toHaveText(['al2023-ecs', 'al2-ecs', 'al1-ecs', 'al2023-plain']);
  // Deviations first in their slot, spelled out, never colour alone.
  const deviation = cellButton(page, FIXTURE_CELLS.deviation);
  await expect(deviation).toContainText(
    '≠ deviation · got instance role, denied (INSTANCE_ROLE_DENIED), expected task role (TASK_ROLE)',
  );
  await expect(deviation).toHaveAttribute(
    'aria-label',
    'network=host: deviation, got instance role, denied (INSTANCE_ROLE_DENIED), expected task role (TASK_ROLE)',
  );
  await expect(
    page.locator('#matrix tbody tr').first().locator('td').nth(1).locator('button.cell').first(),
  ).toHaveAttribute('data-cell', FIXTURE_CELLS.deviation);
  // Every card says its verdict in words; the only glyph on a card is its verdict's (no ✔ on a red card).
  for (const text of await page.locator('#matrix button.cell .verdict-word').allInnerTexts())
    expect(text).toMatch(/^(≠ deviation|= as expected|\? no verdict)$/);
  // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees (the data block's JSON is not shown).
  expect((await page.locator('#matrix').innerText()).match(/[✔⊘⇩⚑∅↯◌⊗⚠◷]/g)).toBeNull();
  await testInfo.attach('default-view', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  expect(problems).toEqual([]);
});

test('pivot any dimension onto rows and columns; the layout is kept in the URL', async ({ page }) => {
  const problems = watch(page);
  await page.goto(`${reportUrl}#verdict=all`);
  // Neither is the default pivot (the dimensions with the most values), so both go into the URL.
  await page.locator('select[data-key="rows"]').selectOption('process');
  await page.locator('select[data-key="cols"]').selectOption('client');
  await expect(page).toHaveURL(/#rows=process&cols=client&verdict=all$/);
  await expect(page.locator('#matrix tbody th')).toHaveText([...DIMENSIONS.process.values]);
  await expect(page.locator('#matrix thead th')).toHaveText(['process ↓ · client →', ...DIMENSIONS.client.values]);
  await page.reload();
  await expect(page.locator('select[data-key="rows"]')).toHaveValue('process');
  await expect(page.locator('#matrix tbody th').first()).toHaveText('pid1');
  await page.locator('button[data-key="swap"]').click();
  await expect(page.locator('#matrix tbody th').first()).toHaveText(DIMENSIONS.client.values[0]);
  expect(problems).toEqual([]);
});

test('filters by verdict, outcome and dimension survive a reload', async ({ page }) => {
  const problems = watch(page);
  await page.goto(reportUrl);
  // How many cells the report holds (some matrix positions hold more than one cell).
  const cells = Number(/of (\d+) cells/.exec((await page.locator('#shown').textContent()) ?? '')?.[1]);
  // A run with deviations opens on them: the cells as expected are folded away, and it says so.
  await expect(page.locator('#matrix button.cell')).toHaveCount(2);
  await expect(page.getByRole('checkbox', { name: /as expected/ })).not.toBeChecked();
  await expect(page.locator('#shown')).toContainText('as expected folded away');
  await expect(page).not.toHaveURL(/#/);
  await page.getByRole('checkbox', { name: /as expected/ }).check();
  await expect(page).toHaveURL(/#verdict=all$/);
  const total = await page.locator('#matrix button.cell').count();
  expect(total).toBeGreaterThan(2);
  await page.getByRole('checkbox', { name: /as expected/ }).uncheck();
  await expect(page.locator('#matrix button.cell')).toHaveCount(2);
  await expect(page).not.toHaveURL(/verdict/);
  await page.locator('details[data-key="group:network"] summary').click();
  await page.getByRole('checkbox', { name: /^bridge/ }).uncheck();
  await expect(page.locator('#matrix button.cell')).toHaveCount(1);
  await page.reload();
  await expect(page.locator('#matrix button.cell')).toHaveCount(1);
  await expect(cellButton(page, FIXTURE_CELLS.deviation)).toBeVisible();
  await expect(page.getByRole('checkbox', { name: /as expected/ })).not.toBeChecked();
  await expect(page.locator('#shown')).toHaveText(new RegExp(`^Showing 1 of ${cells} cells`));
  await page.locator('button[data-key="reset"]').click();
  await expect(page.locator('#matrix button.cell')).toHaveCount(total);
  // An outcome filter from a shared link.
  await page.goto(`${reportUrl}#outcome=INFRA_ERROR&verdict=all`);
  await expect(page.locator('#matrix button.cell')).toHaveCount(1);
  expect(problems).toEqual([]);
});

test('drill-down: evidence, rule, diagnosis with the AMI commands, log and task definition; kept in the URL', async ({
  page,
}) => {
  const problems = watch(page);
  await page.goto(reportUrl);
  await cellButton(page, FIXTURE_CELLS.deviation).click();
  const detail = page.locator('dialog#detail');
  await expect(detail).toBeVisible();
  await expect(detail.locator('h2')).toHaveText('⇩ INSTANCE_ROLE_DENIED — network=host');
  await expect(detail.locator('p.verdict')).toContainText(
    'Deviation: expected TASK_ROLE (rule known-good), got INSTANCE_ROLE_DENIED',
  );
  await expect(detail).toContainText('Go through the checklist');
  await expect(detail.locator('pre.commands')).toContainText('sudo systemctl status ecs');
  await expect(detail).toContainText('Commands (Amazon Linux 2023 (systemd))');
  await expect(detail).toContainText('With the flags on, the documented rules in place and a trusting role');
  await expect(detail.locator('pre.taskdef')).toContainText('"networkMode": "host"');
  await expect(detail.locator('pre.log')).toContainText('AccessDeniedException');
  // The instance console is there, collapsed until asked for.
  const console = detail.locator('details.console');
  await expect(console.locator('summary')).toHaveText('Instance console (tail)');
  await expect(console.locator('pre.console')).toBeHidden();
  await console.locator('summary').click();
  await expect(console.locator('pre.console')).toContainText(FIXTURE_CONSOLE.join('\n'));
  await expect(page).toHaveURL(/#cell=network%3Dhost$/);
  await page.reload();
  await expect(detail).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(page).not.toHaveURL(/cell=/);
  // The diagnosis of a documented failure, with the AL1 (upstart) restart commands.
  await page.goto(`${reportUrl}#cell=ami%3Dal1-ecs`);
  await expect(detail).toContainText('As expected: the known-good behaviour.');
  await page.goto(`${reportUrl}#cell=taskIamRoleFlag%3Dfalse`);
  await expect(detail.locator('pre.commands')).toHaveText(
    "echo 'ECS_ENABLE_TASK_IAM_ROLE=true' | sudo tee -a /etc/ecs/ecs.config\nsudo systemctl restart ecs",
  );
  expect(problems).toEqual([]);
});

test('infrastructure errors are listed apart and marked as no verdict', async ({ page }) => {
  const problems = watch(page);
  await page.goto(reportUrl);
  await expect(cellButton(page, FIXTURE_CELLS.infra)).toContainText(
    '? no verdict · got infrastructure error (INFRA_ERROR), expected task role (TASK_ROLE)',
  );
  const infra = page.locator('#infra-cells');
  await expect(infra.locator('tbody tr')).toHaveCount(1);
  await expect(infra).toContainText('RunTask: ThrottlingException: Rate exceeded');
  await infra.getByRole('button', { name: FIXTURE_CELLS.infra }).click();
  await expect(page.locator('dialog#detail')).toContainText('No verdict: the harness or backend failed (INFRA_ERROR)');
  expect(problems).toEqual([]);
});

test('history strip and flaky mark', async ({ page }) => {
  const problems = watch(page);
  await page.goto(`${reportUrl}#verdict=all`);
  const flaky = cellButton(page, FIXTURE_CELLS.flaky);
  await expect(flaky.locator('.history')).toHaveAttribute(
    'aria-label',
    'history, oldest first: as expected (TASK_ROLE), deviation (ENDPOINT_ERROR), as expected (TASK_ROLE)',
  );
  await expect(flaky).toContainText('≈ flaky (2 changes)');
  await expect(cellButton(page, 'baseline')).not.toContainText('flaky');
  await flaky.click();
  await expect(page.locator('dialog#detail ol.history-list li')).toHaveText([
    '18 Nov 2026, 03:00 CET run-2026-11-18: = as expected: TASK_ROLE',
    '19 Nov 2026, 03:00 CET run-2026-11-19: ≠ deviation: ENDPOINT_ERROR',
    '20 Nov 2026, 03:00 CET run-2026-11-20: = as expected: TASK_ROLE',
  ]);
  expect(problems).toEqual([]);
});

test('a hostile log line renders as inert text: no dialog, no script, no element', async ({ page }) => {
  // Rendered in this process this time (the reporter's path), without history.
  const [, , newest] = reportFixtureRuns();
  writeRenderedReports(join(dir, 'single'), newest as NonNullable<typeof newest>);
  const problems = watch(page);
  await page.goto(`${pathToFileURL(join(dir, 'single', 'report.html')).href}#cell=network%3Dhost`);
  const detail = page.locator('dialog#detail');
  await expect(detail.locator('pre.log')).toContainText(HOSTILE_LINE);
  await expect(detail.locator('.evidence')).toContainText(HOSTILE_LINE);
  await detail.locator('details.console summary').click();
  await expect(detail.locator('pre.console')).toContainText(HOSTILE_LINE);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator('body img')).toHaveCount(0);
  await expect(page.locator('script')).toHaveCount(2);
  expect(problems).toEqual([]);
});

test('a run without cells (setup failed) still renders, with the failure outside any cell', async ({ page }) => {
  const [first] = reportFixtureRuns();
  const empty = {
    ...(first as NonNullable<typeof first>),
    cells: [],
    errors: [{ where: 'setup › provision', message: 'CreateCluster: AccessDenied' }],
  };
  writeRenderedReports(join(dir, 'empty'), empty);
  const problems = watch(page);
  await page.goto(pathToFileURL(join(dir, 'empty', 'report.html')).href);
  await expect(page.locator('#matrix')).toHaveText(
    'This run has no cell results; see the failures outside any cell below.',
  );
  await expect(page.locator('ul.run-errors')).toContainText('CreateCluster: AccessDenied');
  expect(problems).toEqual([]);
});
