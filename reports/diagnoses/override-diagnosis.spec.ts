/**
 * A deviation the team's own `expect` (with its `because`) caused is explained as that, first, wherever a
 * deviation is explained: the report's card (diagnose: its verdict line and first item), summary.md,
 * JUnit; the run's terminal summary too (run/summary.spec.ts: reports/ does not import run/).
 */
import { expect, test } from '@playwright/test';
import { diagnose } from '../../core/diagnoses/diagnose.ts';
import { cellWith, withOverride } from '../../core/testing/cell-fixture.ts';
import { renderJunit } from '../junit/render-junit.ts';
import { renderSummary } from '../markdown/render-summary.ts';
import { syntheticResults } from '../testing/synthetic-results.ts';

const BECAUSE = 'our proxy blocks the credentials endpoint';
/** The team expects NOT_PLACED; AWS gave the known-good TASK_ROLE. */
const working = withOverride(cellWith({ network: 'host' }), 'NOT_PLACED', BECAUSE);
/** The team expects TASK_ROLE_DENIED; the task fell back to the instance role. */
const fellBack = withOverride(cellWith({ client: 'awscli-v1' }, 'INSTANCE_ROLE_DENIED'), 'TASK_ROLE_DENIED', BECAUSE);
const results = { ...syntheticResults({ cells: 1 }), cells: [working, fellBack] };

test('the card leads with the override and its because, never "Nothing … No fix needed"', () => {
  const diagnosis = diagnose(working);
  expect(diagnosis.verdictNote).toBe(
    `Deviation from your matrix's expect[0] ("${BECAUSE}"): expected NOT_PLACED, got TASK_ROLE. Your matrix set this expectation, not a documented rule.`,
  );
  expect(diagnosis.items.map((item) => item.id)).toEqual(['override:expect[0]']);
  expect(diagnosis.items[0]?.problem).toContain(`This deviation comes from your matrix's expect[0] ("${BECAUSE}")`);
  expect(diagnosis.items[0]?.fix).toContain('change or remove expect[0] in your matrix file');
  expect(JSON.stringify(diagnosis)).not.toContain('No fix needed');
});

test('an override deviation with another outcome: the override first, then the diagnosis of what happened', () => {
  const ids = diagnose(fellBack).items.map((item) => item.id);
  expect(ids[0]).toBe('override:expect[0]');
  expect(ids.length).toBeGreaterThan(1);
  expect(ids).toEqual([
    'override:expect[0]',
    ...diagnose(cellWith({ client: 'awscli-v1' }, 'INSTANCE_ROLE_DENIED')).items.map((item) => item.id),
  ]);
});

test('a rule-decided deviation keeps its own explanation', () => {
  expect(diagnose(cellWith({}, 'INSTANCE_ROLE_DENIED')).verdictNote).toMatch(
    /^Deviation: expected TASK_ROLE \(rule known-good\)/,
  );
});

test('as expected by an override says whose expectation it is', () => {
  const passing = withOverride(cellWith({ network: 'host' }), 'TASK_ROLE', BECAUSE);
  expect(diagnose(passing).verdictNote).toBe(`As expected by your matrix's expect[0] ("${BECAUSE}"): TASK_ROLE.`);
});

test('JUnit: the failure message names the override and its because', () => {
  expect(renderJunit(results)).toContain(
    `message="expected NOT_PLACED by your matrix&apos;s expect[0] (&quot;${BECAUSE}&quot;), got TASK_ROLE`,
  );
});

test('summary.md: the deviation row names the override, its because and the override fix', () => {
  const summary = renderSummary(results);
  const row = summary.split('\n').find((line) => line.startsWith('| network=host |')) ?? '';
  expect(row).toContain(`expect\\[0\\] ("${BECAUSE}")`);
  expect(row).toContain('change or remove expect\\[0\\] in your matrix file');
});
