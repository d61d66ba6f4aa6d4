/**
 * The part of a plan a subset of its cells needs: those cells, and only the instance groups that hold one
 * (each group keeping its selected cells). `npx playwright test --project=cells --grep …` provisions this.
 */
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
