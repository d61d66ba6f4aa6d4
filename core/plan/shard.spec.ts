import { expect, test } from '@playwright/test';
import { BadInputError } from '../errors.ts';
import { loadMatrix } from '../matrix/index.ts';
import { planMatrix } from './plan.ts';
import { parseShard, shardOf, splitByInstanceGroup } from './shard.ts';

const group = (id: string, cells: number) => ({ id, cells: Array.from({ length: cells }, (_, i) => `${id}-${i}`) });

test('an equal share of instances per shard; among equals, groups go largest first to the fewest cells', () => {
  const groups = [group('a', 1), group('b', 5), group('c', 2), group('d', 2), group('e', 1)];
  const shards = splitByInstanceGroup(groups, 2);
  expect(shards.map((shard) => shard.map((g) => g.id))).toEqual([
    ['a', 'b'],
    ['c', 'd', 'e'],
  ]);
});

test('more shards than groups: the extra shards are empty', () => {
  expect(splitByInstanceGroup([group('a', 3)], 3).map((shard) => shard.length)).toEqual([1, 0, 0]);
});

test('the default matrix in 4 shards: every cell once, no instance group in two shards, about a quarter each', async () => {
  const plan = planMatrix(await loadMatrix());
  const shards = [1, 2, 3, 4].map((index) => shardOf(plan, { index, total: 4 }));
  const cells = shards.flatMap((shard) => shard.cells.map((cell) => cell.id));
  expect(cells.sort()).toEqual(plan.cells.map((cell) => cell.id).sort());
  const groups = shards.flatMap((shard) => shard.instanceGroups.map((g) => g.id));
  expect(new Set(groups).size).toBe(groups.length);
  expect(groups.length).toBe(plan.instanceGroups.length);
  for (const shard of shards) {
    expect(shard.instanceGroups.length).toBeGreaterThanOrEqual(Math.floor(plan.instanceGroups.length / 4));
    expect(shard.instanceGroups.length).toBeLessThanOrEqual(Math.ceil(plan.instanceGroups.length / 4));
  }
});

test('--shard accepts I/N with 1 ≤ I ≤ N and names the format otherwise', () => {
  expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
  for (const bad of ['0/4', '5/4', '1', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(BadInputError);
  expect(() => parseShard('5/4')).toThrow(/expected I\/N/);
});
