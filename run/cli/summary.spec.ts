import { expect, test } from '@playwright/test';
import { cellWith, withOverride } from '../../core/testing/cell-fixture.ts';
import { syntheticResults } from '../../reports/testing/synthetic-results.ts';
import { formatRunSummary, runSummaryDocument } from './summary.ts';

const files = { results: '/out/results.json', report: '/out/report.html' };

test('--json document: counts per verdict and every cell that was not as expected, with what decided it', () => {
  const results = syntheticResults({ runId: 'r1', deviations: 0, infra: 0 });
  results.cells = [
    cellWith({}),
    cellWith({ network: 'host' }, 'INSTANCE_ROLE_DENIED', { decidedBy: 'AccessDeniedException' }),
    cellWith({ client: 'awscli-v1' }, 'INFRA_ERROR', { decidedBy: 'RunTask: ThrottlingException' }),
  ];
  const document = runSummaryDocument(results, {
    exitCode: 1,
    files,
    teardown: { runId: 'r1', deleted: ['role a', 'role b'], leftovers: [] },
  });
  expect(document).toEqual({
    runId: 'r1',
    exitCode: 1,
    cells: { total: 3, asExpected: 1, deviations: 1, infrastructureErrors: 1 },
    notAsExpected: [
      {
        id: 'network=host',
        verdict: 'fail',
        expected: 'TASK_ROLE',
        rule: results.cells[1]?.expected.rule,
        actual: 'INSTANCE_ROLE_DENIED',
        decidedBy: 'AccessDeniedException',
      },
      {
        id: 'client=awscli-v1',
        verdict: 'infra',
        expected: 'TASK_ROLE',
        rule: results.cells[2]?.expected.rule,
        actual: 'INFRA_ERROR',
        decidedBy: 'RunTask: ThrottlingException',
      },
    ],
    files,
    teardown: { deleted: 2, leftovers: [], nothingCreated: false },
  });
});

test('--json document of a run interrupted before any cell reported: the run id from the teardown, no cells', () => {
  const document = runSummaryDocument(undefined, {
    exitCode: 130,
    interrupted: 'SIGINT',
    files,
    teardown: { runId: 'r2', deleted: ['instance i-1'], leftovers: [] },
  });
  expect(document).toEqual({
    runId: 'r2',
    exitCode: 130,
    interrupted: 'SIGINT',
    cells: { total: 0, asExpected: 0, deviations: 0, infrastructureErrors: 0 },
    notAsExpected: [],
    files,
    teardown: { deleted: 1, leftovers: [], nothingCreated: false },
  });
});

test('the run summary on the terminal names a deviation from an override with its because', () => {
  const because = 'our proxy blocks the credentials endpoint';
  const working = withOverride(cellWith({ network: 'host' }), 'NOT_PLACED', because);
  const results = { ...syntheticResults({ cells: 1 }), cells: [working] };
  expect(formatRunSummary(results, 'report.html')).toContain(
    `network=host: expected NOT_PLACED (your matrix's expect[0] ("${because}")), got TASK_ROLE`,
  );
});
