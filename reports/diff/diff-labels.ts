import type { ChangeKind } from './diff-results.ts';

/** Headings and marks per change kind (glyph and words: never colour alone). */
export const CHANGE_LABELS: Record<Exclude<ChangeKind, 'unchanged'>, { glyph: string; heading: string }> = {
  regression: { glyph: '✗', heading: 'Regressions (was as expected, now deviates)' },
  fix: { glyph: '✓', heading: 'Fixes (deviated, now as expected)' },
  changed: { glyph: '~', heading: 'Changed outcomes (neither a regression nor a fix)' },
  new: { glyph: '+', heading: 'New cells (only in the candidate)' },
  removed: { glyph: '-', heading: 'Removed cells (only in the baseline)' },
};

export const LISTED_KINDS = Object.keys(CHANGE_LABELS) as (keyof typeof CHANGE_LABELS)[];
