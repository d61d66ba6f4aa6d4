import { EXIT } from './errors.ts';
import type { CellResult } from './results/results-schema.ts';

/**
 * 1 when any cell deviates from its expectation (a finding, even if other cells broke), else 3 when
 * any cell could not be judged (INFRA_ERROR/TIMEOUT) or no cell ran, else 0.
 */
export function runExitCode(cells: readonly CellResult[], expectedCells: number): number {
  if (cells.some((cell) => cell.verdict === 'fail')) return EXIT.deviations;
  if (cells.length < expectedCells || cells.some((cell) => cell.verdict === 'infra')) return EXIT.infrastructure;
  return EXIT.ok;
}
