import { expect, test } from '@playwright/test';
import type { FullConfig, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import type { CellResult } from '../../core/results/results-schema.ts';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { CELL_ANNOTATION, CELL_RESULT_ATTACHMENT } from './cell-from-test.ts';
import CellLinesReporter from './cell-lines-reporter.ts';

/** A cell's test as Playwright hands it to a reporter: its annotation names the cell. */
function cellTest(id: string): TestCase {
  return {
    title: id,
    annotations: [{ type: CELL_ANNOTATION, description: id }],
    retries: 0,
    titlePath: () => ['', 'cells', 'cells.spec.ts', id],
  } as unknown as TestCase;
}

function ended(cell: CellResult | undefined, status: TestResult['status'], error?: string): TestResult {
  return {
    status,
    retry: 0,
    duration: 12_400,
    attachments: cell
      ? [{ name: CELL_RESULT_ATTACHMENT, contentType: 'application/json', body: Buffer.from(JSON.stringify(cell)) }]
      : [],
    errors: error ? [{ message: error }] : [],
  } as unknown as TestResult;
}

function reporterWith(tests: TestCase[]) {
  const lines: string[] = [];
  const reporter = new CellLinesReporter({ write: (text) => lines.push(text) });
  reporter.onBegin({ workers: 4 } as FullConfig, { allTests: () => tests } as unknown as Suite);
  return { reporter, lines };
}

test('one line per cell: verdict in words, the outcome, and what was expected when it deviates', () => {
  const pass = cellWith({});
  const deviation = cellWith({ network: 'host' }, 'INSTANCE_ROLE_DENIED', { decidedBy: 'AccessDenied\nsecond line' });
  const tests = [cellTest(pass.id), cellTest(deviation.id), cellTest('client=awscli-v1')];
  const { reporter, lines } = reporterWith(tests);
  reporter.onTestEnd(tests[0] as TestCase, ended(pass, 'passed'));
  // The cell test's assertion failed (that is how Playwright learns of a deviation): its frames are not shown.
  reporter.onTestEnd(tests[1] as TestCase, ended(deviation, 'failed', 'expect(received).toBe(expected)\n  at x.ts:1'));
  reporter.onTestEnd(tests[2] as TestCase, ended(undefined, 'timedOut', 'Test timeout of 600000ms exceeded.'));
  expect(lines).toEqual([
    'running 3 cells with 4 workers\n',
    '[1/3] = as expected baseline: TASK_ROLE (12 s)\n',
    '[2/3] ≠ deviation   network=host: got INSTANCE_ROLE_DENIED, expected TASK_ROLE (rule known-good): AccessDenied (12 s)\n',
    '[3/3] ? no verdict  client=awscli-v1: TIMEOUT: Test timeout of 600000ms exceeded. (12 s)\n',
  ]);
  expect(lines.join('')).not.toMatch(/expect\(received\)|cells\.spec|›/);
});

test('a failure outside any cell is one line; secrets and terminal controls never reach the terminal', () => {
  const setup = {
    titlePath: () => ['', 'setup', 'provision.setup.ts', 'provision'],
    annotations: [],
    title: 'provision',
  };
  const { reporter, lines } = reporterWith([]);
  reporter.onTestEnd(
    setup as unknown as TestCase,
    ended(undefined, 'failed', 'CreateCluster: AccessDenied for AKIAIOSFODNN7EXAMPLE\u001b[2J\n    at frame'),
  );
  reporter.onError({ message: 'worker crashed\n    at frame' });
  expect(lines.slice(1).join('')).toMatch(
    /^setup › provision\.setup\.ts › provision: failed: CreateCluster: AccessDenied for /,
  );
  expect(lines.join('')).not.toContain('AKIAIOSFODNN7EXAMPLE');
  expect(lines.join('')).not.toContain('\u001b');
  expect(lines.at(-1)).toBe('error outside any cell: worker crashed\n');
});

test("the tests' own output still reaches the terminal (setup and teardown lines), redacted and made safe", () => {
  const { reporter, lines } = reporterWith([]);
  reporter.onStdOut('[provision] launching 20 instances\n');
  reporter.onStdErr(Buffer.from('[teardown] run-1: nothing left; key AKIAABCDEFGHIJKLMNOP \u001b[2J'));
  reporter.onStdOut('  \n');
  const output = lines.slice(1).join('');
  expect(output).toContain('[provision] launching 20 instances\n');
  expect(output).toContain('[teardown] run-1: nothing left');
  expect(output).not.toContain('AKIAABCDEFGHIJKLMNOP');
  expect(output).not.toContain('\u001b');
  expect(lines).toHaveLength(3);
});

test('a secret across the 200-character cut of a detail line is still redacted', () => {
  const { reporter, lines } = reporterWith([]);
  // The cut leaves `AKIAABCDE`: no longer an access key id to the pattern, but its start all the same.
  reporter.onError({ message: `${'x'.repeat(190)} AKIAABCDEFGHIJKLMNOP` });
  expect(lines.join('')).not.toContain('AKIAABCDE');
});
