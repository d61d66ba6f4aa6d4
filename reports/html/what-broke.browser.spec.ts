import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { verdictOf } from '../../core/cell-result.ts';
import { FIXTURE_CELLS, reportFixtureRuns } from '../testing/report-fixture-runs.ts';
import { writeRenderedReports } from '../write-reports.ts';
import { DEBIAN_CHROMIUM, watch } from './testing/browser-support.ts';

test.use({ ...DEBIAN_CHROMIUM, viewport: { width: 1280, height: 800 } });

/** A cell of the fixture's newest run that this spec turns into a TIMEOUT. */
const TIMED_OUT = 'client=sdk-js-v3';

let dir: string;
let reportUrl: string;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-what-broke-'));
  const runs = reportFixtureRuns();
  const newest = runs.at(-1) as NonNullable<(typeof runs)[number]>;
  newest.cells = newest.cells.map((cell) =>
    cell.id === TIMED_OUT
      ? {
          ...cell,
          actual: { outcome: 'TIMEOUT', evidence: { decidedBy: 'no verdict line within 300 s' } },
          verdict: verdictOf(cell.expected.outcome, 'TIMEOUT'),
        }
      : cell,
  );
  writeRenderedReports(dir, newest, runs);
  reportUrl = pathToFileURL(join(dir, 'report.html')).href;
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const whatBroke = (page: Page) => page.locator('#what-broke');

test('the first deviation is in the first screen (1280×800), with its fix, commands and source', async ({
  page,
}, testInfo) => {
  const problems = watch(page);
  await page.goto(reportUrl);
  const first = whatBroke(page).locator('article.group').first();
  await expect(first.locator('h3')).toContainText('1 deviation: KB article: To correctly configure IAM roles');
  const link = first.locator('a.cell-link').first();
  await expect(link).toHaveText(FIXTURE_CELLS.deviation);
  await expect(link).toBeInViewport({ ratio: 1 });
  const box = await link.boundingBox();
  expect(box && box.y + box.height).toBeLessThanOrEqual(800);
  await expect(first).toContainText(
    'got instance role, denied (INSTANCE_ROLE_DENIED), expected task role (TASK_ROLE, rule known-good)',
  );
  await expect(first.locator('pre.commands')).toContainText('sudo systemctl status ecs');
  await expect(first.locator('p.source a')).toHaveAttribute(
    'href',
    'https://repost.aws/knowledge-center/ecs-iam-task-roles-config-errors',
  );
  await testInfo.attach('first-screen', { body: await page.screenshot(), contentType: 'image/png' });
  // Cells without a verdict come after the deviations, in their own groups.
  await expect(whatBroke(page).locator('article.group.v-infra h3')).toHaveText([
    '? 1 cell without a verdict (TIMEOUT)',
    '? 1 cell without a verdict (INFRA_ERROR)',
  ]);
  // A cell of a group opens its drill-down.
  await link.click();
  await expect(page.locator('dialog#detail h2')).toContainText(FIXTURE_CELLS.deviation);
  expect(problems).toEqual([]);
});

test('a copy button puts its commands on the clipboard; the drill-down has one too', async ({ page, context }) => {
  const problems = watch(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(reportUrl);
  const block = whatBroke(page).locator('.command').first();
  const commands = await block.locator('code').textContent();
  expect(commands).toContain('docker ps');
  await block.getByRole('button', { name: 'Copy' }).click();
  await expect(block.locator('button.copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(commands);

  await page.goto(`${reportUrl}#cell=taskIamRoleFlag%3Dfalse`);
  const detail = page.locator('dialog#detail');
  await detail.locator('button.copy').first().click();
  await expect(detail.locator('button.copy').first()).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    "echo 'ECS_ENABLE_TASK_IAM_ROLE=true' | sudo tee -a /etc/ecs/ecs.config\nsudo systemctl restart ecs",
  );
  expect(problems).toEqual([]);
});

test('without clipboard permission the commands are selected instead', async ({ page }) => {
  const problems = watch(page);
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined });
  });
  await page.goto(reportUrl);
  const block = whatBroke(page).locator('.command').first();
  await block.locator('button.copy').click();
  await expect(block.locator('button.copy')).toHaveText('Selected: press Ctrl+C');
  expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(await block.locator('code').textContent());
  expect(problems).toEqual([]);
});

test('rule sources and diagnoses link to their documents', async ({ page }) => {
  await page.goto(`${reportUrl}#cell=network%3Dhost`);
  const detail = page.locator('dialog#detail');
  await expect(detail.locator('.diagnosis p.source a')).toHaveAttribute('href', /^https:\/\/repost\.aws\//);
  // The known-good rule: the Developer Guide's page, then the agent's files it cites.
  await expect(detail.locator('td.rule-source a').first()).toHaveAttribute(
    'href',
    'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-task-iam-roles.html',
  );
  await page.goto(`${reportUrl}#cell=taskRole%3Dunset`);
  await expect(detail.locator('td.rule-source a').first()).toHaveAttribute(
    'href',
    'https://github.com/aws/amazon-ecs-agent/blob/master/agent/api/task/task.go',
  );
  for (const anchor of await detail.locator('a[href^="https:"]').all()) {
    await expect(anchor).toHaveAttribute('rel', 'noopener noreferrer');
  }
});

/** Relative luminance (0 black … 1 white) of a computed `rgb(…)` colour. */
async function luminance(page: Page, selector: string, property: 'color' | 'backgroundColor'): Promise<number> {
  const value = await page
    .locator(selector)
    .first()
    .evaluate((element, name) => getComputedStyle(element)[name], property);
  const [r, g, b] = (value.match(/[\d.]+/g) ?? []).map(Number).map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

test('light by default, dark with prefers-color-scheme: dark', async ({ browser }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(reportUrl);
    const background = await luminance(page, 'body', 'backgroundColor');
    const text = await luminance(page, 'body', 'color');
    const group = await luminance(page, '#what-broke article.group', 'backgroundColor');
    const cell = await luminance(page, '#matrix button.cell', 'backgroundColor');
    if (colorScheme === 'dark') {
      for (const surface of [background, group, cell]) expect(surface).toBeLessThan(0.05);
      expect(text).toBeGreaterThan(0.7);
    } else {
      for (const surface of [background, group, cell]) expect(surface).toBeGreaterThan(0.8);
      expect(text).toBeLessThan(0.05);
    }
    await context.close();
  }
});

test('print: what broke and the matrix, without controls, buttons or the dialog; links spelled out', async ({
  page,
}) => {
  await page.goto(reportUrl);
  await page.emulateMedia({ media: 'print' });
  await expect(whatBroke(page).locator('article.group').first()).toBeVisible();
  await expect(page.locator('#matrix table.matrix')).toBeVisible();
  await expect(page.locator('#controls')).toBeHidden();
  await expect(page.locator('button.copy').first()).toBeHidden();
  // The run's details, folded on screen, print open.
  await expect(page.locator('section.run-overview table.amis')).toBeVisible();
  const after = await whatBroke(page)
    .locator('p.source a')
    .first()
    .evaluate((anchor) => getComputedStyle(anchor, '::after').content);
  expect(after).toContain('https://repost.aws/');
  expect(await page.pdf({ format: 'A4' })).toBeTruthy();
});

test('the TIMEOUT marker renders: a real glyph of non-zero width, not the missing-glyph box', async ({ page }) => {
  await page.goto(reportUrl);
  // Cell items name outcomes in words; the outcome totals keep the glyph beside the word.
  const marker = page.locator('section.run-overview .glyph.o-TIMEOUT');
  await expect(marker).toHaveCount(1);
  const measured = await marker.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const font = getComputedStyle(element).font;
    const draw = (text: string) => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      context.font = font;
      context.fillText(text, 8, 40);
      return canvas.toDataURL();
    };
    const text = element.textContent ?? '';
    return {
      text,
      width: range.getBoundingClientRect().width,
      // U+10FFFD is a private-use code point no font has: what a missing glyph looks like in this font.
      missing: draw(text) === draw('\u{10FFFD}'),
      blank: draw(text) === draw(' '),
    };
  });
  expect(measured.text.length).toBeGreaterThan(0);
  expect(measured.width).toBeGreaterThan(4);
  expect(measured, `glyph ${measured.text}`).toMatchObject({ missing: false, blank: false });
});
