import type { Outcome } from '../../core/outcome.ts';
import type { Verdict } from '../../core/results/results-schema.ts';

/**
 * Every outcome and verdict has a glyph AND a word, so no report ever relies on colour alone
 * (WCAG 1.4.1). The glyphs are plain Unicode symbols that common system fonts carry.
 */
export const OUTCOME_LABELS: Record<Outcome, { glyph: string; short: string }> = {
  TASK_ROLE: { glyph: '✔', short: 'task role' },
  TASK_ROLE_DENIED: { glyph: '⊘', short: 'task role, denied' },
  INSTANCE_ROLE_DENIED: { glyph: '⇩', short: 'instance role, denied' },
  INSTANCE_ROLE_LEAK: { glyph: '⚑', short: 'instance role, succeeded (leak)' },
  NO_CREDENTIALS: { glyph: '∅', short: 'no credentials' },
  ENDPOINT_ERROR: { glyph: '↯', short: 'endpoint error' },
  NOT_PLACED: { glyph: '◌', short: 'not placed' },
  ROLE_NOT_ASSUMABLE: { glyph: '⊗', short: 'role not assumable' },
  INFRA_ERROR: { glyph: '⚠', short: 'infrastructure error' },
  TIMEOUT: { glyph: '◷', short: 'timeout' },
};

export const VERDICT_LABELS: Record<Verdict, { glyph: string; text: string; meaning: string }> = {
  fail: { glyph: '≠', text: 'deviation', meaning: 'the actual outcome differs from the documented expectation' },
  infra: {
    glyph: '?',
    text: 'no verdict',
    meaning: 'the harness or backend failed; nothing is known about the configuration',
  },
  pass: { glyph: '=', text: 'as expected', meaning: 'the actual outcome equals the documented expectation' },
};

/** Deviations first, then cells without a verdict, then the rest: the order every list and table uses. */
export const VERDICT_ORDER: readonly Verdict[] = ['fail', 'infra', 'pass'];

export function outcomeText(outcome: Outcome): string {
  return `${OUTCOME_LABELS[outcome].glyph} ${outcome}`;
}

export function verdictText(verdict: Verdict): string {
  return `${VERDICT_LABELS[verdict].glyph} ${VERDICT_LABELS[verdict].text}`;
}
