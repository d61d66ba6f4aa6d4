import { BadInputError, type InputProblem } from '../errors.ts';
import { DEFAULT_MATRIX_LIMITS, type MatrixLimits } from '../limits.ts';
import { type Cell, makeCell } from './cell.ts';
import { violations } from './constraints.ts';
import { DEFAULT_BASELINE, type Dimension, type Dimensions, type PartialDimensions } from './dimensions.ts';
import { groupByInstance } from './instance-groups.ts';
import type { MatrixFile } from './matrix-file.ts';
import type { AmiPins } from './pins.ts';

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
  /** The file's `amis`: AMI id per AMI profile (empty when none). `run --ami PROFILE=ID` overrides per profile. */
  amiPins: AmiPins;
  /** The file's `proxyUrl` (http(s), never with credentials). ECS_TASKROLE_PROXY_URL overrides it. */
  proxyUrl?: string;
}

/**
 * Expands a validated matrix file into cells: the baseline, each `vary` value alone, each `cross`
 * product, each explicit cell — all over the baseline, de-duplicated by id in that order.
 */
export function expandMatrix(file: MatrixFile, fileName: string, limits: MatrixLimits = DEFAULT_MATRIX_LIMITS): Matrix {
  const baseline: Dimensions = { ...DEFAULT_BASELINE, ...(file.baseline as PartialDimensions) };
  checkConstraints(file, fileName, baseline);
  checkCellCount(file, fileName, limits.maxCells);
  const { cells, skipped } = buildCells(file, fileName, baseline);
  checkInstanceCount(cells, fileName, limits.maxInstances);
  return {
    name: file.name ?? 'unnamed matrix',
    region: file.region ?? DEFAULT_REGION,
    baseline,
    cells,
    overrides: (file.expect ?? []).map((entry, index) => ({
      id: `expect[${index}]`,
      when: entry.when as PartialDimensions,
      outcome: entry.outcome,
      because: entry.because,
    })),
    skipped,
    amiPins: { ...(file.amis ?? {}) },
    ...(file.proxyUrl !== undefined ? { proxyUrl: file.proxyUrl } : {}),
  };
}

/** The baseline and every explicit cell must be possible; generated combinations that are not are skipped. */
function checkConstraints(file: MatrixFile, fileName: string, baseline: Dimensions): void {
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
}

/** The baseline alone, each `vary` value alone, then each `cross` product, as partial dimensions. */
function generatedPartials(file: MatrixFile): PartialDimensions[] {
  const generated: PartialDimensions[] = [{}];
  for (const [dimension, values] of Object.entries(file.vary ?? {}) as [Dimension, string[]][]) {
    for (const value of values) generated.push({ [dimension]: value });
  }
  for (const product of file.cross ?? []) generated.push(...cartesian(product as Record<string, string[]>));
  return generated;
}

function buildCells(
  file: MatrixFile,
  fileName: string,
  baseline: Dimensions,
): { cells: Cell[]; skipped: Matrix['skipped'] } {
  const cells = new Map<string, Cell>();
  const skipped = new Map<string, string>();
  const add = (cell: Cell) => {
    const kept = cells.get(cell.id);
    if (!kept) cells.set(cell.id, cell);
    else if (!sameDimensions(kept.dimensions, cell.dimensions)) throw idCollision(cell.id, fileName);
  };
  for (const partial of generatedPartials(file)) {
    const cell = makeCell({ ...baseline, ...partial });
    const broken = violations(cell.dimensions);
    if (broken.length > 0) skipped.set(cell.id, broken.map((c) => c.id).join(', '));
    else add(cell);
  }
  for (const partial of file.cells ?? []) add(makeCell({ ...baseline, ...(partial as PartialDimensions) }));
  return { cells: [...cells.values()], skipped: [...skipped].map(([id, reason]) => ({ id, reason })) };
}

function checkInstanceCount(cells: Cell[], fileName: string, maxInstances: number): void {
  const instances = groupByInstance(cells).length;
  if (instances > maxInstances) {
    throw new BadInputError([
      {
        file: fileName,
        path: '',
        message: `the matrix needs ${instances} container instances (instance groups); the limit is ${maxInstances} (raise it with --max-instances)`,
      },
    ]);
  }
}

/**
 * The number of cells the generators would produce, computed from the list lengths before any cell is
 * built (a cross product of 10^7 must fail in microseconds, not after gigabytes). Duplicates count: the
 * limit bounds the work, not the result.
 */
function checkCellCount(file: MatrixFile, fileName: string, maxCells: number): void {
  let total = 1 + Object.values(file.vary ?? {}).reduce((sum, values) => sum + (values?.length ?? 0), 0);
  let worst = { path: '', count: 0 };
  (file.cross ?? []).forEach((product, index) => {
    // Saturating product: the exact figure past the limit does not matter, only that it is past it.
    const count = Object.values(product).reduce((n, values) => Math.min(n * (values?.length ?? 1), 1e15), 1);
    total += count;
    if (count > worst.count) worst = { path: `cross[${index}]`, count };
  });
  total += file.cells?.length ?? 0;
  if (total <= maxCells) return;
  const where = worst.count > maxCells ? ` (${worst.path} alone is ${formatCount(worst.count)})` : '';
  throw new BadInputError([
    {
      file: fileName,
      path: worst.count > maxCells ? worst.path : '',
      message: `the matrix expands to ${formatCount(total)} cells${where}; the limit is ${maxCells} (raise it with --max-cells)`,
    },
  ]);
}

function formatCount(count: number): string {
  return count >= 1e15 ? 'more than 10^15' : String(count);
}

/**
 * Two different configurations must never share an id (results, reports and diffs key on it). The value
 * grammars keep `=` and `,` out of values, so this holds by construction; checked anyway, since a
 * collision would otherwise drop a cell silently.
 */
function sameDimensions(a: Dimensions, b: Dimensions): boolean {
  return (Object.keys(a) as Dimension[]).every((name) => a[name] === b[name]);
}

function idCollision(id: string, fileName: string): BadInputError {
  return new BadInputError([
    { file: fileName, path: '', message: `two different cells have the id "${id}"; make their values differ` },
  ]);
}

function cartesian(lists: Record<string, string[]>): PartialDimensions[] {
  return Object.entries(lists).reduce<PartialDimensions[]>(
    (partials, [dimension, values]) =>
      partials.flatMap((partial) => values.map((value) => ({ ...partial, [dimension]: value }))),
    [{}],
  );
}
