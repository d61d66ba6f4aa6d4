import type { Cell } from '../matrix/cell.ts';
import type { Matrix } from '../matrix/expand.ts';
import { groupByInstance, type InstanceGroup } from '../matrix/instance-groups.ts';
import type { Expectation } from '../results/results-schema.ts';
import { expectationFor } from '../rules/expect.ts';

export interface PlannedCell extends Cell {
  expected: Expectation;
}

export interface Plan {
  matrix: Matrix;
  cells: PlannedCell[];
  instanceGroups: InstanceGroup[];
  /** The `plan --json` document. */
  json: {
    name: string;
    region: string;
    cells: {
      id: string;
      dimensions: Cell['dimensions'];
      /** `imdsMetadata`: an `imds-metadata-reader` cell's expected metadata read and its rule. */
      expected: { outcome: string; rule: string; imdsMetadata?: { result: string; rule: string } };
    }[];
    instanceGroups: { id: string; cells: string[] }[];
    skipped: Matrix['skipped'];
  };
}

/** Expectations and instance groups for every cell of a matrix. Pure: creates nothing anywhere. */
export function planMatrix(matrix: Matrix): Plan {
  const cells = matrix.cells.map((cell) => ({ ...cell, expected: expectationFor(cell, matrix.overrides) }));
  const instanceGroups = groupByInstance(cells);
  return {
    matrix,
    cells,
    instanceGroups,
    json: {
      name: matrix.name,
      region: matrix.region,
      cells: cells.map(({ id, dimensions, expected }) => ({
        id,
        dimensions,
        expected: {
          outcome: expected.outcome,
          rule: expected.rule,
          ...(expected.imdsMetadata
            ? { imdsMetadata: { result: expected.imdsMetadata.result, rule: expected.imdsMetadata.rule } }
            : {}),
        },
      })),
      instanceGroups: instanceGroups.map(({ id, cells: ids }) => ({ id, cells: ids })),
      skipped: matrix.skipped,
    },
  };
}
