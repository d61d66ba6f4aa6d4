import type { Cell } from '../matrix/cell.ts';
import { type Dimension, type PartialDimensions, readsImdsMetadata } from '../matrix/dimensions.ts';
import type { ExpectOverride } from '../matrix/expand.ts';
import type { Outcome } from '../outcome.ts';
import type { Expectation, MetadataExpectation } from '../results/results-schema.ts';
import { CREDENTIAL_RULES, FALLBACK, INSTANCE_ROLE_RULES, METADATA_RULES, type Rule } from './conformance-rules.ts';

/** `expected.source` of an expectation a matrix's `expect` entry set (its `because` is the statement). */
export const OVERRIDE_SOURCE = 'matrix file override';

/** Whether the team's own matrix (`expect` with `because`), not a documented rule, set this expectation. */
export function isOverride(expected: Pick<Expectation, 'source'>): boolean {
  return expected.source === OVERRIDE_SOURCE;
}

/**
 * The expected outcome of a cell: the first matrix override whose `when` matches, else the rule chain; for
 * an `imds-metadata-reader` cell also its expected metadata read.
 * Used by `plan`, the run's verdicts and reports — never by the lab.
 */
export function expectationFor(cell: Cell, overrides: readonly ExpectOverride[] = []): Expectation {
  const metadata = metadataExpectationFor(cell);
  const outcome = outcomeExpectationFor(cell, overrides);
  return metadata ? { ...outcome, imdsMetadata: metadata } : outcome;
}

/**
 * What an `imds-metadata-reader` cell's own metadata read should get (METADATA_RULES, the first match),
 * beside its outcome; undefined for other processes. A matrix override sets the outcome only.
 */
export function metadataExpectationFor(cell: Cell): MetadataExpectation | undefined {
  if (!readsImdsMetadata(cell.dimensions.process)) return undefined;
  const rule = firstMatch(METADATA_RULES, cell);
  return {
    result: rule.result,
    rule: rule.id,
    statement: rule.statement,
    source: rule.source,
    inferred: rule.inferred === true,
  };
}

function outcomeExpectationFor(cell: Cell, overrides: readonly ExpectOverride[]): Expectation {
  const override = overrides.find((candidate) => matches(candidate.when, cell));
  if (override) {
    return {
      outcome: override.outcome,
      rule: override.id,
      statement: override.because,
      source: OVERRIDE_SOURCE,
      inferred: false,
      chain: [override.id],
    };
  }
  const cause = firstMatch(CREDENTIAL_RULES, cell);
  let chain: Rule[] = [cause];
  let outcome: Outcome;
  if (cause.outcome === FALLBACK) {
    const instanceRule = firstMatch(INSTANCE_ROLE_RULES, cell);
    chain = [cause, instanceRule];
    outcome = instanceRule.outcome;
  } else {
    outcome = cause.outcome;
  }
  return {
    outcome,
    rule: (chain.at(-1) as Rule).id,
    statement: chain.map((rule) => rule.statement).join('; then: '),
    source: [...new Set(chain.map((rule) => rule.source))].join('; '),
    inferred: chain.some((rule) => rule.inferred === true),
    chain: chain.map((rule) => rule.id),
  };
}

function firstMatch<R extends Pick<Rule, 'when'>>(rules: readonly R[], cell: Cell): R {
  const rule = rules.find((candidate) => candidate.when(cell.dimensions));
  // Each list ends with a catch-all rule, so this only fires if someone removes it.
  if (!rule) throw new Error(`no conformance rule matches cell ${cell.id}`);
  return rule;
}

export function matches(when: PartialDimensions, cell: Cell): boolean {
  return (Object.entries(when) as [Dimension, string][]).every(([name, value]) => cell.dimensions[name] === value);
}
