/**
 * The task's own checks in a cell's detail, one line each: the seed's literal install (what dnf said) and a
 * metadata reader's IMDS read against its rule. Rendered from results.json as `report` renders it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { cellResult } from '../../core/cell-result.ts';
import { makeCell } from '../../core/matrix/cell.ts';
import { DEFAULT_BASELINE, type PartialDimensions } from '../../core/matrix/dimensions.ts';
import type { CellResult } from '../../core/results/results-schema.ts';
import { expectationFor } from '../../core/rules/expect.ts';
import { syntheticResults } from '../testing/synthetic-results.ts';
import { writeRenderedReports } from '../write-reports.ts';
import { DEBIAN_CHROMIUM, watch } from './testing/browser-support.ts';

test.use({ ...DEBIAN_CHROMIUM, viewport: { width: 1280, height: 900 } });

const REFUSAL = [
  'No match for argument: aws-cli',
  "lab image: whether AL2023's repository resolves 'aws-cli' (as a provide of awscli-2) is not established by a public source",
  'Error: Unable to find a match: aws-cli',
];

function ran(partial: PartialDimensions, details: Partial<CellResult['details']>): CellResult {
  const cell = makeCell({ ...DEFAULT_BASELINE, ...partial });
  const classification = { outcome: 'TASK_ROLE' as const, evidence: { decidedBy: '{"taskArns": []}' } };
  return cellResult(
    { ...cell, expected: expectationFor(cell) },
    classification,
    { instanceGroup: 'g', log: [], ...details },
    1,
  );
}

let dir: string;
let reportUrl: string;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-task-checks-'));
  const results = syntheticResults({ cells: 2 });
  results.cells = [
    ran({ taskMemory: 'seed' }, { seedInstall: { command: 'yum install -y aws-cli', exitCode: 1, output: REFUSAL } }),
    ran(
      { process: 'imds-metadata-reader', imdsOptions: 'v2-hop1' },
      { imdsMetadata: { result: 'read', tokenRequest: 'obtained', region: 'us-west-2', instanceId: 'i-0abc' } },
    ),
  ];
  writeRenderedReports(dir, results);
  reportUrl = pathToFileURL(join(dir, 'report.html')).href;
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a seed replay's detail shows what the seed's own install did, in one line", async ({ page }) => {
  const problems = watch(page);
  await page.goto(`${reportUrl}#verdict=all`);
  await page.locator('#matrix button.cell[data-cell="taskMemory=seed"]').click();
  const line = page.locator('dialog#detail dd', { hasText: 'yum install -y aws-cli' });
  await expect(line).toHaveCount(1);
  await expect(line).toContainText('exit 1 — No match for argument: aws-cli');
  await expect(line).toContainText('is not established');
  expect(problems).toEqual([]);
});

test("a metadata reader's detail shows its read against the rule; a read where the rule expects none deviates", async ({
  page,
}) => {
  await page.goto(`${reportUrl}#verdict=all`);
  await page.locator('#matrix button.cell[data-cell="process=imds-metadata-reader,imdsOptions=v2-hop1"]').click();
  const detail = page.locator('dialog#detail');
  await expect(detail.locator('p.verdict')).toContainText('Deviation in the IMDS metadata read: expected failed');
  const line = detail.locator('dd', { hasText: 'region us-west-2' });
  await expect(line).toContainText('read with an IMDSv2 token: region us-west-2, instance i-0abc');
  await expect(line).toContainText('expected failed (rule metadata-bridge-hop-limit-tokens-required');
});
