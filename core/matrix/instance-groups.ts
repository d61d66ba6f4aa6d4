import type { Cell } from './cell.ts';
import { cellId } from './cell.ts';
import type { Dimension } from './dimensions.ts';

/**
 * Dimensions fixed by the container instance (AMI, user data, agent config, instance profile): cells that
 * agree on all of them share one instance. Everything else lives in the task definition.
 */
export const INSTANCE_DIMENSIONS: readonly Dimension[] = [
  'ami',
  'agentVersion',
  'agentInstall',
  'hostRules',
  'hostFirewall',
  'afterBoot',
  'taskIamRoleFlag',
  'networkHostFlag',
  'awsvpcBlockImdsFlag',
  'rpsLimit',
  'agentProxy',
  'imds',
  'imdsOptions',
  'instanceRolePolicy',
  'instanceRoleTrust',
];

export interface InstanceGroup {
  /** `default` for the known-good instance, else the instance dimensions that differ from it. */
  id: string;
  /** The instance-level dimensions every cell of the group shares. */
  instance: Pick<Cell['dimensions'], (typeof INSTANCE_DIMENSIONS)[number]>;
  cells: string[];
}

export function instanceGroupId(cell: Cell): string {
  const id = cellId(cell.dimensions, INSTANCE_DIMENSIONS);
  return id === 'baseline' ? 'default' : id;
}

export function groupByInstance(cells: readonly Cell[]): InstanceGroup[] {
  const groups = new Map<string, InstanceGroup>();
  for (const cell of cells) {
    const id = instanceGroupId(cell);
    let group = groups.get(id);
    if (!group) {
      const instance = Object.fromEntries(INSTANCE_DIMENSIONS.map((d) => [d, cell.dimensions[d]]));
      group = { id, instance: instance as InstanceGroup['instance'], cells: [] };
      groups.set(id, group);
    }
    group.cells.push(cell.id);
  }
  return [...groups.values()];
}
