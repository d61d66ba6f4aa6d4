import { expandMatrix, type Matrix } from './expand.ts';
import { DEFAULT_MATRIX_PATH, loadMatrixFile } from './load.ts';

export type { Cell } from './cell.ts';
export type { Matrix } from './expand.ts';
export { DEFAULT_MATRIX_PATH } from './load.ts';

/** Loads, validates and expands a matrix file (the shipped default when no file is given). */
export async function loadMatrix(file: string = DEFAULT_MATRIX_PATH): Promise<Matrix> {
  return expandMatrix(await loadMatrixFile(file), file);
}
