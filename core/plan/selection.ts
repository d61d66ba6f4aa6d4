/**
 * The part of a plan a subset of its cells needs: those cells, and only the instance groups that hold one
 * (each group keeping its selected cells). `npx playwright test --project=cells --grep …` provisions this.
 * And the refusal of a selection that holds no cell.
 */
import { BadInputError } from '../errors.ts';
import type { InstanceGroup } from '../matrix/instance-groups.ts';

export function selectCells<P extends { cells: { id: string }[]; instanceGroups: Pick<InstanceGroup, 'cells'>[] }>(
  plan: P,
  ids: ReadonlySet<string>,
): P {
  return {
    ...plan,
    cells: plan.cells.filter((cell) => ids.has(cell.id)),
    instanceGroups: plan.instanceGroups
      .map((group) => ({ ...group, cells: group.cells.filter((id) => ids.has(id)) }))
      .filter((group) => group.cells.length > 0),
  };
}

/** What narrowed a run to its cells: `--grep`, `--shard`, or both. */
export interface SelectionFilters {
  grep?: string;
  shard?: { index: number; total: number };
}

/**
 * A run that selects no cell is refused, as Playwright refuses one that finds no test: a typo in a CI
 * `--grep` must not go green after creating (and deleting) a cluster. `--pass-with-no-tests` lets it end
 * at once, with exit 0 and nothing created.
 */
export function refuseEmptySelection(
  selected: { cells: readonly unknown[] },
  /** `instanceGroups`: how many the shards split (after `--grep`). */
  matrix: { file: string; name: string; cells: readonly { id: string }[]; instanceGroups: number },
  filters: SelectionFilters,
): void {
  if (selected.cells.length > 0 || matrix.cells.length === 0) return;
  const what = [
    ...(filters.grep !== undefined ? [`--grep ${JSON.stringify(filters.grep)}`] : []),
    ...(filters.shard ? [`--shard ${filters.shard.index}/${filters.shard.total}`] : []),
  ].join(' with ');
  const example = matrix.cells
    .slice(0, 3)
    .map((cell) => cell.id)
    .join(', ');
  const shardHint =
    filters.shard && filters.shard.total > matrix.instanceGroups
      ? `; it has ${matrix.instanceGroups} instance group(s), so at most ${matrix.instanceGroups} shard(s) get cells`
      : '';
  throw new BadInputError([
    {
      file: matrix.file,
      path: '',
      message:
        `${what || 'the selection'} selects none of the ${matrix.cells.length} cells of matrix "${matrix.name}"${shardHint} ` +
        `(cell ids look like ${example}; \`ecs-taskrole plan\` lists them); add --pass-with-no-tests to accept an empty run`,
    },
  ]);
}
