import { DEFAULT_MATRIX_LIMITS, type MatrixLimits } from '../limits.ts';
import { expandMatrix, type Matrix } from './expand.ts';
import { DEFAULT_MATRIX_PATH, loadMatrixFile } from './load.ts';

export { DEFAULT_MATRIX_LIMITS, type MatrixLimits } from '../limits.ts';
export type { Cell } from './cell.ts';
export type { Matrix } from './expand.ts';
export { DEFAULT_MATRIX_PATH } from './load.ts';
export type { AmiPins, AmiProfile } from './pins.ts';

/**
 * Loads, validates and expands a matrix file (the shipped default when no file is given). `limits` bound
 * the plan's size (cells, instances); each defaults to DEFAULT_MATRIX_LIMITS.
 */
export async function loadMatrix(
  file: string = DEFAULT_MATRIX_PATH,
  limits: Partial<MatrixLimits> = {},
): Promise<Matrix> {
  return expandMatrix(await loadMatrixFile(file), file, { ...DEFAULT_MATRIX_LIMITS, ...limits });
}
