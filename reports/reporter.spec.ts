import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import type { CellResult, RunMetadata } from '../core/results/results-schema.ts';
import { cellWith } from '../core/testing/cell-fixture.ts';
import { SECRET_FORMATS, TEXT_FIELDS } from './redact/testing/secret-formats.ts';
import ResultsReporter from './reporter.ts';
import { parseResults } from './results/results-validation.ts';
import { syntheticResults } from './testing/synthetic-results.ts';

/** The parts of Playwright's TestCase/TestResult the reporter reads, built by hand. */
function testCase(id: string, title: string, annotations: TestCase['annotations'] = []): TestCase {
  return { id, title, annotations, titlePath: () => ['', 'cells', 'cells.spec.ts', title] } as unknown as TestCase;
}
function testResult(status: TestResult['status'], attachments: TestResult['attachments'] = [], errors: string[] = []) {
  return {
    status,
    attachments,
    errors: errors.map((message) => ({ message })),
    duration: 1234,
    retry: 0,
  } as unknown as TestResult;
}
const json = (name: string, value: unknown) => ({
  name,
  contentType: 'application/json',
  body: Buffer.from(JSON.stringify(value)),
});
const suiteOf = (tests: TestCase[]) => ({ allTests: () => tests }) as unknown as Suite;
const fullResult = { status: 'passed', startTime: new Date('2026-11-20T02:00:00Z'), duration: 60_000 } as FullResult;
const metadata: RunMetadata = { ...syntheticResults({ cells: 1 }).run, finishedAt: undefined, durationMs: undefined };

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-reporter-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const readResults = () => parseResults(readFileSync(join(dir, 'results.json'), 'utf8'), 'results.json');

test('collects cell-result attachments in suite order and renders every report at the end', async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const setup = testCase('s', 'provision');
  const host = testCase('t2', 'network=host');
  const baseline = testCase('t1', 'baseline');
  reporter.onBegin({} as FullConfig, suiteOf([setup, baseline, host]));
  reporter.onTestEnd(setup, testResult('passed', [json('run-metadata', metadata)]));
  reporter.onTestEnd(
    host,
    testResult('failed', [json('cell-result', cellWith({ network: 'host' }, 'ENDPOINT_ERROR'))]),
  );
  reporter.onTestEnd(baseline, testResult('passed', [json('cell-result', cellWith({}))]));
  await reporter.onEnd(fullResult);

  const results = readResults();
  expect(results.run).toMatchObject({
    runId: metadata.runId,
    backend: 'lab',
    durationMs: 60_000,
    finishedAt: '2026-11-20T02:01:00.000Z',
  });
  expect(results.cells.map((cell) => [cell.id, cell.actual.outcome, cell.verdict])).toEqual([
    ['baseline', 'TASK_ROLE', 'pass'],
    ['network=host', 'ENDPOINT_ERROR', 'fail'],
  ]);
  expect(results.errors).toBeUndefined();
  for (const file of ['report.html', 'junit.xml', 'summary.md']) expect(existsSync(join(dir, file))).toBe(true);
});

test('results.json is valid while the run goes on, not only at the end', () => {
  const reporter = new ResultsReporter({ outputDir: dir, writeIntervalMs: 0 });
  const baseline = testCase('t1', 'baseline');
  reporter.onBegin({} as FullConfig, suiteOf([baseline]));
  reporter.onTestEnd(baseline, testResult('passed', [json('cell-result', cellWith({}))]));
  const results = readResults();
  expect(results.cells).toHaveLength(1);
  expect(results.run.matrixName).toBe('unknown');
});

test('a crashed cell test becomes INFRA_ERROR with its error text; a timed-out one TIMEOUT', async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const crashed = testCase('t1', 'client=awscli-v1');
  const slow = testCase('t2', 'x', [{ type: 'cell', description: 'rpsLimit=1,1,load=burst' }]);
  reporter.onBegin({} as FullConfig, suiteOf([crashed, slow]));
  reporter.onTestEnd(
    crashed,
    testResult('failed', [], ['\u001b[31mError: worker process exited unexpectedly\u001b[39m\n    at x']),
  );
  reporter.onTestEnd(slow, testResult('timedOut', [], ['Test timeout of 60000ms exceeded.']));
  await reporter.onEnd(fullResult);
  const [first, second] = readResults().cells as [CellResult, CellResult];
  expect(first).toMatchObject({
    id: 'client=awscli-v1',
    dimensions: { client: 'awscli-v1', ami: 'al2023-ecs' },
    expected: { outcome: 'TASK_ROLE', rule: 'known-good' },
    actual: {
      outcome: 'INFRA_ERROR',
      evidence: {
        decidedBy:
          "the cell's test failed without attaching a cell-result: Error: worker process exited unexpectedly\n    at x",
      },
    },
    verdict: 'infra',
    details: { log: ['Error: worker process exited unexpectedly', '    at x'] },
  });
  expect(second).toMatchObject({
    id: 'rpsLimit=1,1,load=burst',
    actual: { outcome: 'TIMEOUT' },
    dimensions: { rpsLimit: '1,1' },
  });
});

test('attachments stored as files (merged blob reports) are read too', async () => {
  const file = join(dir, 'attachment.json');
  await writeFile(file, JSON.stringify(cellWith({})));
  const reporter = new ResultsReporter({ outputDir: dir });
  const baseline = testCase('t1', 'baseline');
  reporter.onTestEnd(
    baseline,
    testResult('passed', [{ name: 'cell-result', contentType: 'application/json', path: file }]),
  );
  await reporter.onEnd(fullResult);
  expect(readResults().cells.map((cell) => cell.id)).toEqual(['baseline']);
});

test('a retry replaces the earlier attempt of the same test', async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const baseline = testCase('t1', 'baseline');
  reporter.onTestEnd(baseline, testResult('failed', [], ['boom']));
  reporter.onTestEnd(baseline, testResult('passed', [json('cell-result', cellWith({}))]));
  await reporter.onEnd(fullResult);
  expect(readResults().cells.map((cell) => cell.actual.outcome)).toEqual(['TASK_ROLE']);
});

test('failures outside cells (setup, global errors) are kept as run errors; skipped cells are left out', async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const setup = testCase('s', 'provision');
  const skipped = testCase('t1', 'baseline');
  reporter.onTestEnd(setup, testResult('failed', [], ['CreateCluster: AccessDenied']));
  reporter.onTestEnd(skipped, testResult('skipped'));
  reporter.onError({ message: 'Error: globalSetup failed' });
  await reporter.onEnd(fullResult);
  const results = readResults();
  expect(results.cells).toEqual([]);
  expect(results.errors).toEqual([
    { where: 'cells › cells.spec.ts › provision', message: 'CreateCluster: AccessDenied' },
    { where: 'playwright', message: 'Error: globalSetup failed' },
  ]);
});

test('secret keys and session tokens never reach the files', async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const leaky = cellWith({}, 'INFRA_ERROR', {
    decidedBy: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    log: [
      '{"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "Token": "IQoJb3JpZ2luX2VjEXAMPLETOKEN"}',
    ],
  });
  const baseline = testCase('t1', 'baseline');
  reporter.onTestEnd(baseline, testResult('passed', [json('cell-result', leaky)]));
  reporter.onTestEnd(
    testCase('t2', 'network=host'),
    testResult('failed', [], ['sessionToken: IQoJb3JpZ2luX2VjEXAMPLETOKEN']),
  );
  await reporter.onEnd(fullResult);
  for (const file of ['results.json', 'report.html', 'junit.xml', 'summary.md']) {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).not.toContain('EXAMPLEKEY');
    expect(text).not.toContain('EXAMPLETOKEN');
  }
  expect(readFileSync(join(dir, 'results.json'), 'utf8')).toContain('[redacted]');
});

test('at write time, every format is redacted from every field of every cell and error', async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const tests: TestCase[] = [];
  SECRET_FORMATS.forEach(({ text }, formatIndex) => {
    TEXT_FIELDS.forEach(({ field, put }, fieldIndex) => {
      if (field.startsWith('errors') || field.startsWith('run.')) return;
      const results = { ...syntheticResults({ cells: 1 }), cells: [cellWith({ network: 'host' }, 'INFRA_ERROR')] };
      put(results, text);
      const cell = { ...results.cells[0], id: `network=host-f${formatIndex}-x${fieldIndex}` };
      const test = testCase(`t${formatIndex}-${fieldIndex}`, cell.id);
      tests.push(test);
      reporter.onTestEnd(test, testResult('passed', [json('cell-result', cell)]));
    });
    reporter.onTestEnd(testCase(`setup-${formatIndex}`, 'provision'), testResult('failed', [], [text]));
  });
  reporter.onTestEnd(
    testCase('meta', 'provision'),
    testResult('passed', [json('run-metadata', { ...metadata, commit: SECRET_FORMATS[0]?.text })]),
  );
  await reporter.onEnd(fullResult);
  for (const file of ['results.json', 'report.html', 'junit.xml', 'summary.md']) {
    const written = readFileSync(join(dir, file), 'utf8');
    for (const { format, secret } of SECRET_FORMATS)
      expect.soft(written.includes(secret), `${format} in ${file}`).toBe(false);
  }
  expect(readResults().errors).toHaveLength(SECRET_FORMATS.length);
});

test('two tests of the same cell (--repeat-each) leave one cell, the last, so results.json stays readable', async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const [first, second] = [testCase('a', 'baseline'), testCase('b', 'baseline')];
  reporter.onBegin({} as FullConfig, suiteOf([first, second]));
  reporter.onTestEnd(first, testResult('passed', [json('cell-result', cellWith({}))]));
  reporter.onTestEnd(second, testResult('failed', [json('cell-result', cellWith({}, 'NO_CREDENTIALS'))]));
  await reporter.onEnd(fullResult);
  expect(readResults().cells.map((cell) => [cell.id, cell.actual.outcome])).toEqual([['baseline', 'NO_CREDENTIALS']]);
});

test('a huge evidence line and a huge log are cut to what results.json accepts, so the file stays readable', async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const noisy = cellWith({}, 'ENDPOINT_ERROR', {
    decidedBy: 'e'.repeat(400_000),
    log: Array.from({ length: 100_010 }, (_, index) => `line ${index}`),
  });
  reporter.onTestEnd(testCase('t1', 'baseline'), testResult('failed', [json('cell-result', noisy)]));
  await reporter.onEnd(fullResult);
  const [cell] = readResults().cells;
  expect(cell?.actual.evidence.decidedBy).toMatch(/ … \(\d+ more characters cut by the reporter\)$/);
  expect(cell?.details.log).toHaveLength(99_999);
  expect(cell?.details.log.at(0)).toBe('line 0');
  expect(cell?.details.log.at(-1)).toBe('line 100009');
  expect(cell?.details.log).toContain('… 12 lines cut by the reporter (results.json keeps at most 100000)');
});

test('a cell interrupted while it waited for provisioning never ran: no result, and with no other nothing is written', async () => {
  const runStateFile = join(dir, 'run-state.json');
  const reporter = new ResultsReporter({ outputDir: dir, runStateFile });
  const waiting = testCase('t1', 'baseline');
  reporter.onBegin({} as FullConfig, suiteOf([waiting]));
  reporter.onTestEnd(waiting, testResult('interrupted'));
  await reporter.onEnd(fullResult);
  expect(existsSync(join(dir, 'results.json'))).toBe(false);

  // Once provisioning published the run state, an interrupted cell is a result (INFRA_ERROR).
  await writeFile(runStateFile, '{}');
  const later = new ResultsReporter({ outputDir: dir, runStateFile });
  later.onBegin({} as FullConfig, suiteOf([waiting]));
  later.onTestEnd(waiting, testResult('interrupted'));
  await later.onEnd(fullResult);
  expect(readResults().cells.map((cell) => cell.actual.outcome)).toEqual(['INFRA_ERROR']);
});

test("the cells' metadata merge: the first run fields, every AMI, an agent version wherever a cell saw one", async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const [first, second] = [testCase('t1', 'baseline'), testCase('t2', 'network=host')];
  reporter.onBegin({} as FullConfig, suiteOf([first, second]));
  const amis = { 'al2023-ecs': { imageId: 'ami-0aaa' }, 'al2-ecs': { imageId: 'ami-0bbb' } };
  const seen = { ...amis, 'al2-ecs': { imageId: 'ami-0bbb', agentVersion: '1.90.0' } };
  reporter.onTestEnd(first, testResult('passed', [json('run-metadata', { ...metadata, amis })]));
  reporter.onTestEnd(second, testResult('passed', [json('run-metadata', { ...metadata, runId: 'other', amis: seen })]));
  await reporter.onEnd(fullResult);
  const { run } = readResults();
  expect(run.runId).toBe(metadata.runId);
  expect(run.amis).toEqual({
    'al2023-ecs': { imageId: 'ami-0aaa' },
    'al2-ecs': { imageId: 'ami-0bbb', agentVersion: '1.90.0' },
  });
});

test('the output directory defaults to $ECS_TASKROLE_OUT', async () => {
  const previous = process.env.ECS_TASKROLE_OUT;
  process.env.ECS_TASKROLE_OUT = dir;
  try {
    const reporter = new ResultsReporter();
    await reporter.onEnd(fullResult);
    expect(existsSync(join(dir, 'results.json'))).toBe(true);
  } finally {
    if (previous === undefined) delete process.env.ECS_TASKROLE_OUT;
    else process.env.ECS_TASKROLE_OUT = previous;
  }
});

test('earlier results files given as history reach the report', async () => {
  const earlier = join(dir, 'earlier.json');
  await writeFile(
    earlier,
    JSON.stringify({ ...syntheticResults({ cells: 1, runId: 'run-0' }), cells: [cellWith({}, 'ENDPOINT_ERROR')] }),
  );
  const reporter = new ResultsReporter({ outputDir: dir, history: [earlier] });
  const baseline = testCase('t1', 'baseline');
  reporter.onTestEnd(baseline, testResult('passed', [json('cell-result', cellWith({}))]));
  await reporter.onEnd(fullResult);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  expect(html).toContain('2 runs (this one and 1 before it)');
  expect(html).toContain('"h":[5,0],"hv":[0,2],"flips":0');
});

test('a cell-result that fails the results schema is kept as INFRA_ERROR naming the field, not as a verdict', async () => {
  const reporter = new ResultsReporter({ outputDir: dir });
  const baseline = testCase('t1', 'baseline');
  reporter.onBegin({} as FullConfig, suiteOf([baseline]));
  const broken = { ...cellWith({}), durationMs: -5 };
  reporter.onTestEnd(baseline, testResult('passed', [json('cell-result', broken)]));
  await reporter.onEnd(fullResult);
  const [cell] = readResults().cells;
  expect(cell?.verdict).toBe('infra');
  expect(cell?.actual.outcome).toBe('INFRA_ERROR');
  expect(cell?.actual.evidence.decidedBy).toContain('durationMs');
});

test("a crashed cell's expectation is the plan's (matrix overrides included), from the run's plan.json", async () => {
  const cell = cellWith({});
  const expected = { ...cell.expected, outcome: 'NOT_PLACED' as const, rule: 'expect[0]', statement: 'our AMI' };
  const plan = {
    planVersion: 1,
    name: 'm',
    region: 'us-west-2',
    cells: [{ id: 'baseline', dimensions: cell.dimensions, expected }],
    runOrder: ['baseline'],
    instanceGroups: [],
    amiPins: {},
  };
  await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
  const reporter = new ResultsReporter({ outputDir: dir, planFile: join(dir, 'plan.json') });
  const baseline = testCase('t1', 'baseline');
  reporter.onBegin({} as FullConfig, suiteOf([baseline]));
  reporter.onTestEnd(baseline, testResult('failed', [], ['worker crashed']));
  await reporter.onEnd(fullResult);
  const [crashed] = readResults().cells;
  expect(crashed?.expected).toMatchObject({ outcome: 'NOT_PLACED', rule: 'expect[0]' });
  expect(crashed?.actual.outcome).toBe('INFRA_ERROR');
});
