import { BadInputError, type InputProblem } from '../errors.ts';
import { type Cell, makeCell } from './cell.ts';
import { violations } from './constraints.ts';
import { DEFAULT_BASELINE, type Dimension, type Dimensions, type PartialDimensions } from './dimensions.ts';
import type { MatrixFile } from './matrix-file.ts';

export const DEFAULT_REGION = 'us-west-2';

export interface ExpectOverride {
  /** `expect[N]`, the override's place in the file. */
  id: string;
  when: PartialDimensions;
  outcome: NonNullable<MatrixFile['expect']>[number]['outcome'];
  because: string;
}

export interface Matrix {
  name: string;
  region: string;
  baseline: Dimensions;
  cells: Cell[];
  overrides: ExpectOverride[];
  /** Combinations a generator (vary, cross) produced that cannot exist, with the reason. */
  skipped: { id: string; reason: string }[];
}

/**
 * Expands a validated matrix file into cells: the baseline, each `vary` value alone, each `cross`
 * product, each explicit cell — all over the baseline, de-duplicated by id in that order.
 */
export function expandMatrix(file: MatrixFile, fileName: string): Matrix {
  const baseline: Dimensions = { ...DEFAULT_BASELINE, ...(file.baseline as PartialDimensions) };
  const problems: InputProblem[] = [];
  for (const constraint of violations(baseline)) {
    problems.push({ file: fileName, path: 'baseline', message: constraint.message });
  }
  (file.cells ?? []).forEach((partial, index) => {
    for (const constraint of violations({ ...baseline, ...(partial as PartialDimensions) })) {
      problems.push({ file: fileName, path: `cells[${index}]`, message: constraint.message });
    }
  });
  if (problems.length > 0) throw new BadInputError(problems);

  const generated: PartialDimensions[] = [{}];
  for (const [dimension, values] of Object.entries(file.vary ?? {}) as [Dimension, string[]][]) {
    for (const value of values) generated.push({ [dimension]: value });
  }
  for (const product of file.cross ?? []) generated.push(...cartesian(product as Record<string, string[]>));

  const cells = new Map<string, Cell>();
  const skipped = new Map<string, string>();
  for (const partial of generated) {
    const cell = makeCell({ ...baseline, ...partial });
    const broken = violations(cell.dimensions);
    if (broken.length > 0) skipped.set(cell.id, broken.map((c) => c.id).join(', '));
    else if (!cells.has(cell.id)) cells.set(cell.id, cell);
  }
  for (const partial of file.cells ?? []) {
    const cell = makeCell({ ...baseline, ...(partial as PartialDimensions) });
    if (!cells.has(cell.id)) cells.set(cell.id, cell);
  }

  return {
    name: file.name ?? 'unnamed matrix',
    region: file.region ?? DEFAULT_REGION,
    baseline,
    cells: [...cells.values()],
    overrides: (file.expect ?? []).map((entry, index) => ({
      id: `expect[${index}]`,
      when: entry.when as PartialDimensions,
      outcome: entry.outcome,
      because: entry.because,
    })),
    skipped: [...skipped].map(([id, reason]) => ({ id, reason })),
  };
}

function cartesian(lists: Record<string, string[]>): PartialDimensions[] {
  return Object.entries(lists).reduce<PartialDimensions[]>(
    (partials, [dimension, values]) =>
      partials.flatMap((partial) => values.map((value) => ({ ...partial, [dimension]: value }))),
    [{}],
  );
}
