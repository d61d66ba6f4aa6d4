import { verdictOf } from '../../core/cell-result.ts';
import type { Outcome } from '../../core/outcome.ts';
import type { CellResult, RunResults } from '../../core/results/results-schema.ts';
import { HOSTILE_LINE, syntheticResults } from './synthetic-results.ts';

/** Ids of the cells the browser specs look at. */
export const FIXTURE_CELLS = {
  deviation: 'network=host',
  infra: 'client=awscli-v1',
  flaky: 'imds=blocked',
} as const;

/** The deviation's instance console: what cloud-init printed, and hostile text in it. */
export const FIXTURE_CONSOLE = ['cloud-init: running script part-000', 'bash: docker: command not found'];

function withOutcome(
  cell: CellResult,
  outcome: Outcome,
  decidedBy: string,
  log: string[],
  console?: string,
): CellResult {
  return {
    ...cell,
    actual: { outcome, evidence: { decidedBy } },
    verdict: verdictOf(cell.expected.outcome, outcome),
    details: { ...cell.details, log, ...(console === undefined ? {} : { console }) },
  };
}

/**
 * Three runs, oldest first, of the small varied matrix: one deviation whose log, evidence and instance
 * console carry hostile HTML, one infrastructure error, one cell whose outcome flips between runs on the same AMI.
 */
export function reportFixtureRuns(): RunResults[] {
  return ['2026-11-18', '2026-11-19', '2026-11-20'].map((day, index) => {
    const results = syntheticResults({
      runId: `run-${day}`,
      startedAt: `${day}T02:00:00.000Z`,
      deviations: 0,
      infra: 0,
    });
    results.cells = results.cells.map((cell) => {
      if (cell.id === FIXTURE_CELLS.deviation) {
        return withOutcome(
          cell,
          'INSTANCE_ROLE_DENIED',
          `AccessDenied ${HOSTILE_LINE}`,
          ['An error occurred (AccessDeniedException) when calling the ListTasks operation', HOSTILE_LINE],
          [...FIXTURE_CONSOLE, HOSTILE_LINE].join('\n'),
        );
      }
      if (cell.id === FIXTURE_CELLS.infra && index === 2) {
        return withOutcome(cell, 'INFRA_ERROR', 'RunTask: ThrottlingException: Rate exceeded', []);
      }
      if (cell.id === FIXTURE_CELLS.flaky && index === 1) {
        return withOutcome(cell, 'ENDPOINT_ERROR', 'Received non 200 response (429)', [
          'Received non 200 response (429)',
        ]);
      }
      return cell;
    });
    return results;
  });
}
