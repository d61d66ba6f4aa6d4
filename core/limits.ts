/**
 * Every limit on the size of what the harness is given, in one place. Pure.
 * - How big a matrix may be (MATRIX_STRUCTURE_LIMITS, DEFAULT_MATRIX_LIMITS): checked before work grows —
 *   the file's size before reading, aliases before they are expanded, the number of cells before the
 *   products are built, instances before planning. The structural limits are far above any real matrix (the
 *   default one is 3.5 kB, 77 cells, 20 instances) and are fixed.
 * - How big a run may be (DEFAULT_CAPS, checkRunCaps): what this run executes, after --grep and the shard,
 *   checked before any AWS call. A matrix is a few lines of YAML; its plan can ask for a thousand EC2
 *   instances.
 * Cells and instances of both can be raised (`--max-cells`, `--max-instances`).
 */
import { BadInputError } from './errors.ts';

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

export const DEFAULT_CAPS = { maxInstances: 40, maxCells: 2000 } as const;

export interface RunCaps {
  /** `--max-instances`: EC2 instances one run may launch (one per instance group). */
  maxInstances: number;
  /** `--max-cells`: cells one run may run. */
  maxCells: number;
}

/** Throws a BadInputError (exit 2) naming every cap the plan exceeds, its numbers and its flag. */
/** Only the counts matter here, so the plan's shape is not imported (the plan imports the matrix, which imports these limits). */
export function checkRunCaps(
  plan: { cells: readonly unknown[]; instanceGroups: readonly unknown[] },
  caps: RunCaps,
  file = 'matrix',
): void {
  const problems = [];
  const instances = plan.instanceGroups.length;
  if (instances > caps.maxInstances) {
    problems.push({
      file,
      path: '',
      message: `the plan needs ${instances} instances, over the cap of ${caps.maxInstances} (raise it with --max-instances ${instances})`,
    });
  }
  if (plan.cells.length > caps.maxCells) {
    problems.push({
      file,
      path: '',
      message: `the plan has ${plan.cells.length} cells, over the cap of ${caps.maxCells} (raise it with --max-cells ${plan.cells.length})`,
    });
  }
  if (problems.length > 0) throw new BadInputError(problems);
}
