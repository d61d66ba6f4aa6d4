import { expect, test } from '@playwright/test';
import { estimateRun, HARNESS_INSTANCE_TYPE, RUN_TTL_HOURS } from './caps.ts';
import { BadInputError } from './errors.ts';
import { checkRunCaps, DEFAULT_CAPS } from './limits.ts';

/** A plan of `groups` instance groups with `cellsPerGroup` cells each (only the counts matter). */
function plan(groups: number, cellsPerGroup = 1) {
  const instanceGroups = Array.from({ length: groups }, (_, g) => ({
    id: `g${g}`,
    instance: {} as never,
    cells: Array.from({ length: cellsPerGroup }, (_, c) => `g${g}c${c}`),
  }));
  return { instanceGroups, cells: instanceGroups.flatMap((group) => group.cells.map((id) => ({ id }) as never)) };
}

test('a 1,001-instance plan is over the default instance cap: the error names both numbers and the flag', () => {
  const error = (() => {
    try {
      checkRunCaps(plan(1001), DEFAULT_CAPS, 'big.yaml');
    } catch (caught) {
      return caught;
    }
  })();
  expect(error).toBeInstanceOf(BadInputError);
  expect((error as BadInputError).exitCode).toBe(2);
  expect((error as BadInputError).message).toBe(
    'big.yaml: the plan needs 1001 instances, over the cap of 40 (raise it with --max-instances 1001)',
  );
});

test('too many cells names --max-cells; both caps at once give two lines', () => {
  expect(() => checkRunCaps(plan(1, 2001), DEFAULT_CAPS)).toThrow(/2001 cells, over the cap of 2000 .*--max-cells/);
  expect(() => checkRunCaps(plan(3, 2), { maxInstances: 2, maxCells: 5 })).toThrow(
    /3 instances.*--max-instances 3\)\n.*6 cells.*--max-cells 6\)$/,
  );
});

test('a plan at the caps passes', () => {
  expect(() => checkRunCaps(plan(40, 50), DEFAULT_CAPS)).not.toThrow();
});

test('the estimate counts instances, names the AWS instance type and bounds the instance-hours by the expiry', () => {
  const aws = { instanceType: HARNESS_INSTANCE_TYPE, cellTimeoutMs: 60_000 };
  const estimate = estimateRun(plan(4, 3), aws);
  expect(estimate).toMatchObject({ instances: 4, cells: 12, instanceType: HARNESS_INSTANCE_TYPE });
  // 10 minutes to register plus 3 one-minute cells, per instance.
  expect(estimate.estimatedInstanceHours).toBeCloseTo((4 * 13) / 60, 2);
  expect(estimate.maxInstanceHours).toBe(4 * RUN_TTL_HOURS);
  expect(estimateRun(plan(1), { instanceType: 'simulated (lab)', cellTimeoutMs: 60_000 }).instanceType).toBe(
    'simulated (lab)',
  );
});

test('no instance is estimated past the run expiry', () => {
  const estimate = estimateRun(plan(1, 10_000), { instanceType: HARNESS_INSTANCE_TYPE, cellTimeoutMs: 60_000 });
  expect(estimate.estimatedInstanceHours).toBe(RUN_TTL_HOURS);
});
