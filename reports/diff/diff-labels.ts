import type { ChangeKind } from './diff-results.ts';

/** Headings and marks per change kind (glyph and words: never colour alone). */
export const CHANGE_LABELS: Record<Exclude<ChangeKind, 'unchanged'>, { glyph: string; heading: string }> = {
  regression: { glyph: '✗', heading: 'Regressions (was as expected, now deviates)' },
  unjudged: { glyph: '?', heading: 'Unjudged (was as expected, now INFRA_ERROR or TIMEOUT)' },
  fix: { glyph: '✓', heading: 'Fixes (deviated, now as expected)' },
  changed: { glyph: '~', heading: 'Changed outcomes (neither a regression nor a fix)' },
  new: { glyph: '+', heading: 'New cells (only in the candidate)' },
  removed: { glyph: '-', heading: 'Removed cells (only in the baseline)' },
};

export const LISTED_KINDS = Object.keys(CHANGE_LABELS) as (keyof typeof CHANGE_LABELS)[];

/** The counts line every rendering leads with. */
export function countsLine(counts: Record<ChangeKind, number>, separator: string): string {
  return [
    `${counts.regression} regressions`,
    `${counts.unjudged} unjudged`,
    `${counts.fix} fixes`,
    `${counts.changed} changed`,
    `${counts.new} new`,
    `${counts.removed} removed`,
    `${counts.unchanged} unchanged`,
  ].join(separator);
}
