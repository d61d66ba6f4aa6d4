import { z } from 'zod';
import { regionSchema } from './input/region.ts';
import { backendSchema } from './results/results-schema.ts';

/** Where the AWS APIs live (`aws` is never implied); the results schema names them. */
export { backendSchema };
export type BackendName = z.infer<typeof backendSchema>;

/**
 * What one run is asked to do. `ecs-taskrole run` writes it to `--out/run-config.json`
 * (run/files/run-config-file.ts) and names that file in ECS_TASKROLE_RUN_CONFIG for every Playwright
 * process; `npx playwright test` without it gets the defaults (the default matrix on the lab), so both
 * ways in run the same code.
 */
/** `run --lab-agent`: the lab's ECS agent model, or the real agent (and real Docker engine) built from source. */
export const labAgentSchema = z.enum(['model', 'real']);

export const runConfigSchema = z.strictObject({
  matrixFile: z.string().optional(),
  backend: backendSchema,
  /** Overrides the matrix's region. */
  region: regionSchema.optional(),
  outDir: z.string(),
  /** Only the cells whose id matches this regular expression (applied once, when the plan is made). */
  grep: z.string().optional(),
  /** A `--grep` or `--shard` that selects no cell ends the run at once with exit 0 (else exit 2). */
  passWithNoTests: z.boolean().optional(),
  /** Leave provisioned resources in place (and print how to sweep them). */
  keep: z.boolean(),
  /** Cells run at once (Playwright workers); unset: the backend's default. The run order is made for it. */
  workers: z.number().int().positive().optional(),
  /**
   * Hard limit per cell; past it the cell is TIMEOUT and the run goes on. Unset: the backend's default
   * (its profile's cellTimeoutMs); `ecs-taskrole run` records the one it chose.
   */
  cellTimeoutMs: z.number().positive().optional(),
  /** Upgrade validation: AMI id per AMI profile instead of the SSM-recommended one. */
  amiPins: z.record(z.string(), z.string()),
  /** This run is one shard: only the instance groups (and their cells) of shard `index` of `total`. */
  shard: z.strictObject({ index: z.number().int().positive(), total: z.number().int().positive() }).optional(),
  /**
   * Which ECS agent the lab's instances run: its model (default) or the real agent built from source
   * (issue 28). Only the lab has a choice; AWS and LocalStack run what their AMIs bring.
   */
  labAgent: labAgentSchema.optional(),
  /** Caps on the run's size (`--max-cells`, `--max-instances`), checked before any resource exists. */
  caps: z.strictObject({ maxCells: z.number().int().positive(), maxInstances: z.number().int().positive() }).optional(),
});
export type RunConfig = z.infer<typeof runConfigSchema>;
export type LabAgent = z.infer<typeof labAgentSchema>;
export const LAB_AGENTS = labAgentSchema.options;

export const DEFAULT_OUT_DIR = 'reports/out/latest';
