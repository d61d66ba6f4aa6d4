/**
 * How big a matrix may be. Checked before work grows: the file's size before reading, aliases before
 * they are expanded, the number of cells before the products are built, instances before planning.
 * Cells and instances can be raised (`--max-cells`, `--max-instances`); the structural limits are far
 * above any real matrix (the default one is 3 kB, 46 cells, 14 instances) and are fixed.
 */
export interface MatrixLimits {
  maxCells: number;
  maxInstances: number;
}

export const DEFAULT_MATRIX_LIMITS: MatrixLimits = { maxCells: 2_000, maxInstances: 200 };

export const MATRIX_STRUCTURE_LIMITS = {
  maxBytes: 1024 * 1024,
  /** YAML tokens, counted before the document is composed (which costs ~250 bytes of heap per token). */
  maxTokens: 200_000,
  /** YAML aliases (`*name`): a few are handy, thousands are an expansion attack. */
  maxAliases: 100,
  /** Nodes the aliases may expand to in all (yaml's maxAliasCount): nested aliases grow exponentially. */
  maxAliasExpansion: 10_000,
  /** Nesting of mappings and lists; the format itself needs 4 (`expect[0].when.network`). */
  maxDepth: 16,
  /** Any string, key or value. */
  maxStringLength: 1_000,
  /** Entries of any one list or mapping. */
  maxEntries: 10_000,
} as const;
