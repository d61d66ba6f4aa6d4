import { VERDICT_LABELS } from '../model/labels.ts';
import type { CellChange, ChangeKind } from './diff-kinds.ts';

/** Headings and marks per change kind (a mark and words: never colour alone). */
export const CHANGE_LABELS: Record<Exclude<ChangeKind, 'unchanged'>, { glyph: string; heading: string }> = {
  behaviour: { glyph: '✗', heading: 'Behaviour changes (same configuration, another outcome)' },
  unjudged: { glyph: '?', heading: 'Unjudged (no outcome in the candidate: INFRA_ERROR or TIMEOUT)' },
  baselineUnjudged: {
    glyph: '?',
    heading: 'Baseline unjudged (no outcome in the baseline: INFRA_ERROR or TIMEOUT; nothing to compare with)',
  },
  expectation: {
    glyph: '~',
    heading: 'Expectation changes (same outcome, another expected outcome; not a regression)',
  },
  new: { glyph: '+', heading: 'New cells (configuration only in the candidate)' },
  removed: { glyph: '-', heading: 'Removed cells (configuration only in the baseline)' },
};

export const LISTED_KINDS = Object.keys(CHANGE_LABELS) as (keyof typeof CHANGE_LABELS)[];

/** The counts line every rendering leads with. */
export function countsLine(counts: Record<ChangeKind, number>, separator: string): string {
  return [
    `${counts.behaviour} behaviour changes`,
    `${counts.unjudged} unjudged`,
    `${counts.baselineUnjudged} baseline unjudged`,
    `${counts.expectation} expectation changes`,
    `${counts.new} new`,
    `${counts.removed} removed`,
    `${counts.unchanged} unchanged`,
  ].join(separator);
}

/** A behaviour change is marked ✓ once accepted: the reader sees which ones the gate still holds against. */
export function markOf(change: CellChange): string {
  if (change.kind === 'unchanged') return '';
  return change.accepted ? '✓' : CHANGE_LABELS[change.kind].glyph;
}

/** `pass → fail` when the verdict changed (a deviation appeared or went), else empty. */
export function verdictChange(change: CellChange): string {
  const { baseline: before, candidate: after } = change;
  if (!before || !after || before.verdict === after.verdict) return '';
  return `${VERDICT_LABELS[before.verdict].text} → ${VERDICT_LABELS[after.verdict].text}`;
}

/** `TASK_ROLE`, or `TASK_ROLE → NOT_PLACED (rule known-good → expect[0])` when the expectation changed. */
export function expectedText(change: CellChange): string {
  const { baseline: before, candidate: after } = change;
  const side = after ?? before;
  if (!side) return '';
  if (!before || !after || (before.expected === after.expected && before.rule === after.rule)) {
    return `${side.expected} (rule ${side.rule})`;
  }
  const rule = before.rule === after.rule ? `rule ${after.rule}` : `rule ${before.rule} → ${after.rule}`;
  return `${before.expected} → ${after.expected} (${rule})`;
}
