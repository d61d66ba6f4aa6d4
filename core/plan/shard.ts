/**
 * Splitting a run into shards by instance group, so no container instance is shared by two shards and
 * each shard provisions only its own groups. Instances are what a run costs, so every shard gets an equal
 * share of them (±1); groups go largest first to the shard with the fewest groups, then the fewest cells
 * (ties: the lower shard). Every shard computes the same split from the same plan.
 */
import { BadInputError } from '../errors.ts';
import type { InstanceGroup } from '../matrix/instance-groups.ts';

export interface Shard {
  /** 1-based, as `--shard 2/4`. */
  index: number;
  total: number;
}

export function parseShard(value: string): Shard {
  const match = /^(\d{1,3})\/(\d{1,3})$/.exec(value);
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || index < 1 || total < 1 || index > total) {
    throw new BadInputError([
      { file: '--shard', path: '', message: `"${value.slice(0, 20)}": expected I/N with 1 ≤ I ≤ N ≤ 999, e.g. 1/4` },
    ]);
  }
  return { index, total };
}

/** The instance groups of each shard (index 0 is shard 1), in the plan's order within a shard. */
export function splitByInstanceGroup<G extends Pick<InstanceGroup, 'id' | 'cells'>>(
  groups: readonly G[],
  total: number,
): G[][] {
  const shards = Array.from({ length: total }, () => ({ groups: new Set<G>(), cells: 0 }));
  const bySize = [...groups].sort((a, b) => b.cells.length - a.cells.length);
  const lighter = (a: (typeof shards)[number], b: (typeof shards)[number]) =>
    a.groups.size !== b.groups.size ? a.groups.size < b.groups.size : a.cells < b.cells;
  for (const group of bySize) {
    const target = shards.reduce((least, shard) => (lighter(shard, least) ? shard : least));
    target.groups.add(group);
    target.cells += group.cells.length;
  }
  return shards.map((shard) => groups.filter((group) => shard.groups.has(group)));
}

/** The cells and groups of one shard. */
export function shardOf<P extends { cells: { id: string }[]; instanceGroups: Pick<InstanceGroup, 'id' | 'cells'>[] }>(
  plan: P,
  shard: Shard,
): P {
  const groups = splitByInstanceGroup(plan.instanceGroups, shard.total)[shard.index - 1] ?? [];
  const cellIds = new Set(groups.flatMap((group) => group.cells));
  return {
    ...plan,
    cells: plan.cells.filter((cell) => cellIds.has(cell.id)),
    instanceGroups: plan.instanceGroups.filter((group) => groups.includes(group)),
  };
}
