/**
 * Every kind of resource the harness creates, in one table: the journal's kinds, the teardown's order and
 * the sweep's order all come from it, so a new kind cannot be created without being journaled, torn down
 * and swept in its place.
 */

/**
 * In deletion order: what depends on a resource is deleted before it (instances first: their container
 * instances and instance profiles go next). `journaled`: written to the run journal before its create; a
 * run's task definitions are not (each cell registers a revision of the run's one family, which teardown
 * and sweep find by name).
 */
export const RESOURCE_KIND_TABLE = [
  { kind: 'instance', journaled: true },
  { kind: 'cluster', journaled: true },
  { kind: 'task-definition', journaled: false },
  { kind: 'log-group', journaled: true },
  { kind: 'instance-profile', journaled: true },
  { kind: 'role', journaled: true },
] as const;

export type ResourceKind = (typeof RESOURCE_KIND_TABLE)[number]['kind'];
export type JournaledKind = Extract<(typeof RESOURCE_KIND_TABLE)[number], { journaled: true }>['kind'];

/** Every kind, in deletion order. */
export const RESOURCE_KINDS: readonly ResourceKind[] = RESOURCE_KIND_TABLE.map((row) => row.kind);

/** The kinds the journal records, in deletion order (a tuple, for the journal's schema). */
export const JOURNALED_KINDS = RESOURCE_KIND_TABLE.flatMap((row) => (row.journaled ? [row.kind] : [])) as [
  JournaledKind,
  ...JournaledKind[],
];

/** Where a kind comes in the deletion order. */
export function deletionRank(kind: ResourceKind): number {
  return RESOURCE_KINDS.indexOf(kind);
}
