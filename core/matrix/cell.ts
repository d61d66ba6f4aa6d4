import { DEFAULT_BASELINE, DIMENSION_NAMES, type Dimension, type Dimensions } from './dimensions.ts';

export interface Cell {
  /** Stable, readable id: the dimensions that differ from the seeds' known-good cell, or `baseline`. */
  id: string;
  dimensions: Dimensions;
}

/**
 * Ids are relative to DEFAULT_BASELINE (not the matrix's own baseline) so the same configuration has
 * the same id in every matrix: diffs between a baseline run and a candidate run line up.
 */
export function cellId(dimensions: Dimensions, names: readonly Dimension[] = DIMENSION_NAMES): string {
  const parts = names
    .filter((name) => dimensions[name] !== DEFAULT_BASELINE[name])
    .map((name) => `${name}=${dimensions[name]}`);
  return parts.length === 0 ? 'baseline' : parts.join(',');
}

export function makeCell(dimensions: Dimensions): Cell {
  return { id: cellId(dimensions), dimensions };
}
