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
  /** Hard limit per cell; past it the cell is TIMEOUT and the run goes on. */
  cellTimeoutMs: z.number().positive(),
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
/**
 * A cell's default time limit. On AWS the first task on an instance pulls its image and every task installs
 * its client (dnf, pip, npm) before the client's own retries: three minutes, where the lab needs one.
 */
export const DEFAULT_CELL_TIMEOUT_MS: Record<BackendName, number> = { lab: 60_000, aws: 180_000, localstack: 60_000 };

/**
 * The default under `--lab-agent real` is AWS's: the real agent starts a real container from a gigabyte
 * image and reports its states as on EC2. Measured at load 30 on 2 cores: tasks that had printed their
 * whole output were not yet STOPPED after 60 s.
 */
export function defaultCellTimeoutMs(backend: BackendName, labAgent?: LabAgent): number {
  return backend === 'lab' && labAgent === 'real' ? DEFAULT_CELL_TIMEOUT_MS.aws : DEFAULT_CELL_TIMEOUT_MS[backend];
}

/**
 * How long an instance's agent may take to register (a cell waits for its own before its time limit starts).
 * The lab's is the most it may be: its limit follows the machine's load (infra/aws/provision.ts,
 * registrationLimitMs), from LAB_QUIET_REGISTRATION_MS on a quiet machine.
 */
export const REGISTRATION_TIMEOUT_MS: Record<BackendName, number> = { lab: 300_000, aws: 600_000, localstack: 120_000 };

/**
 * The lab's registration limit on a quiet machine, where its instances register within seconds. Measured
 * on a 2-core machine at load 30–40 (1-minute load average; the default matrix's 20 instances): first
 * registrations 48–226 s after the launches, the rebooted plain-AMI groups 54 and 107 s, and again 32 and
 * 36 s after their reboot — the fixed 30 s failed them. Scaled by the load per core, it leaves about twice those.
 */
export const LAB_QUIET_REGISTRATION_MS = 30_000;

/**
 * The lab's registration limit under `--lab-agent real`: the first instances also wait for the lab's engine
 * seed (task images made and imported, 3–5 min on a busy 2-core machine), then the real agent starts in its
 * container. Measured: 290 s for one instance at load 3, past 300 s with five at load 30.
 */
export const REAL_AGENT_REGISTRATION_TIMEOUT_MS = 900_000;

/** The most an instance's agent may take to register on this run's backend and lab agent. */
export function registrationTimeoutMs(config: { backend: BackendName; labAgent?: LabAgent | undefined }): number {
  return config.backend === 'lab' && config.labAgent === 'real'
    ? REAL_AGENT_REGISTRATION_TIMEOUT_MS
    : REGISTRATION_TIMEOUT_MS[config.backend];
}
