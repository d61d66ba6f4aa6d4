/**
 * results.json, the one portable artifact of a run (schema version 1): one zod schema is both the
 * TypeScript types (z.infer) and the validation every reader applies. Renderers (HTML, JUnit,
 * Markdown), `report`, `diff` and history read only this. Documented in docs/results-schema.md.
 *
 * A results file may come from anywhere (a CI artifact, a colleague), so every value is bounded: strings
 * by length, numbers finite and in range, dates real, lists by count, `taskDefinition` by depth, cell
 * ids unique; identifiers shown on terminals carry no control or bidi characters.
 */
import { z } from 'zod';
import { acceptsValue, DEFAULT_BASELINE, DIMENSION_NAMES, type Dimensions } from '../matrix/dimensions.ts';
import { OUTCOMES } from '../outcome.ts';
import { hasUnsafeCharacters } from '../text/safe-text.ts';
import { boundedJson, isoDate } from './schema-parts.ts';

export const RESULTS_SCHEMA_VERSION = 1;

export const RESULTS_LIMITS = {
  /** The whole file; a run of the default 77 cells on the lab writes about 0.75 MB. */
  maxBytes: 64 * 1024 * 1024,
  maxCells: 100_000,
  maxLogLines: 100_000,
  /** Any free text, a log line included (CloudWatch Logs' own limit for one event is 256 KiB). */
  maxTextChars: 262_144,
  maxNameChars: 1_000,
  maxDurationMs: 30 * 24 * 3600 * 1000,
  maxTaskDefinitionDepth: 32,
  /**
   * An instance's console tail (`details.console`): every cell of the instance carries it, so it is kept
   * short — the end of the boot is where user data and service errors land.
   */
  maxConsoleLines: 100,
  maxConsoleChars: 10_000,
} as const;

/** An identifier or name: one line, no control or bidi characters (ids and names reach terminals). */
const name = z
  .string()
  .max(RESULTS_LIMITS.maxNameChars, { message: `longer than ${RESULTS_LIMITS.maxNameChars} characters` })
  .refine((text) => !hasUnsafeCharacters(text, { oneLine: true }), {
    message: 'control, NUL or bidi characters are not accepted in a name or id',
  });
/** Free text (evidence, statements, reasons): any characters, escaped where rendered; bounded. */
const text = z
  .string()
  .max(RESULTS_LIMITS.maxTextChars, { message: `longer than ${RESULTS_LIMITS.maxTextChars} characters` });
const milliseconds = z
  .number()
  .min(0, { message: 'expected a duration ≥ 0 ms' })
  .max(RESULTS_LIMITS.maxDurationMs, { message: `expected a duration of at most ${RESULTS_LIMITS.maxDurationMs} ms` });

export const backendSchema = z.enum(['lab', 'aws', 'localstack']);
export type Backend = z.infer<typeof backendSchema>;

/** pass: actual equals expected; fail: a deviation; infra: INFRA_ERROR/TIMEOUT, no verdict possible. */
export const verdictSchema = z.enum(['pass', 'fail', 'infra']);
export type Verdict = z.infer<typeof verdictSchema>;

const outcome = z.enum(OUTCOMES);

/**
 * Every known dimension with an accepted value (renderers pivot on them); unknown extra ones are dropped.
 * A dimension missing from an older results file takes its baseline value: a new dimension's first value
 * is what the harness did before it existed (imdsOptions v2-hop2 was the fixed MetadataOptions), so
 * `report` and `diff` still read a baseline run from an earlier version.
 */
const dimensionsSchema = z.object(
  Object.fromEntries(
    DIMENSION_NAMES.map((dimension) => [
      dimension,
      z
        .string()
        .refine((value) => acceptsValue(dimension, value), { message: `not a ${dimension} value` })
        .default(DEFAULT_BASELINE[dimension]),
    ]),
  ),
) as unknown as z.ZodType<Dimensions>;

/**
 * A process that reads IMDS for its own metadata (`process: imds-metadata-reader`, as the X-Ray daemon and
 * the CloudWatch agent read region and instance id): whether it got both values.
 */
export const IMDS_METADATA_RESULTS = ['read', 'failed'] as const;
export type ImdsMetadataResult = (typeof IMDS_METADATA_RESULTS)[number];

/** The expected metadata read of an `imds-metadata-reader` cell, and the rule that says so. */
export const metadataExpectationSchema = z.object({
  result: z.enum(IMDS_METADATA_RESULTS),
  rule: name,
  statement: text,
  source: text,
  inferred: z.boolean(),
});
export type MetadataExpectation = z.infer<typeof metadataExpectationSchema>;

/** One short line of a task's own report (a metadata error, a package manager's output line). */
const line = z.string().max(1_000, { message: 'longer than 1000 characters' });

/**
 * What the task's metadata read did (core/results/imds-metadata.ts parses it from the task's log): the
 * IMDSv2 session token (`obtained`, or why not: then the reader asked without one, as aws-sdk-go v1's
 * client falls back to IMDSv1), the values it read and, when it failed, the first path that did not answer.
 */
export const imdsMetadataSchema = z.object({
  result: z.enum(IMDS_METADATA_RESULTS),
  tokenRequest: line,
  region: name.optional(),
  instanceId: name.optional(),
  error: line.optional(),
});
export type ImdsMetadata = z.infer<typeof imdsMetadataSchema>;

/** The most output lines of the seed's own install a result keeps (its tail: where dnf says what it did). */
export const SEED_INSTALL_OUTPUT_LINES = 20;

/**
 * The seed's literal install command, run as its own step in a seed-replay cell before the harness's own
 * install (core/results/seed-install.ts parses it from the task's log): the command, its exit code (absent
 * when the container stopped inside it, e.g. OOM-killed) and the tail of what it printed.
 */
export const seedInstallSchema = z.object({
  command: name,
  exitCode: z.number().int().min(0).max(255).optional(),
  output: z.array(line).max(SEED_INSTALL_OUTPUT_LINES),
});
export type SeedInstall = z.infer<typeof seedInstallSchema>;

export const expectationSchema = z.object({
  outcome,
  /** The rule that decided the outcome (rules/conformance-rules.ts), or `expect[N]` for a matrix override. */
  rule: name,
  statement: text,
  source: text,
  inferred: z.boolean(),
  /** Every rule that contributed, in evaluation order (e.g. the fallback cause, then the instance-role rule). */
  chain: z.array(name).max(100),
  /** `process: imds-metadata-reader` cells: the expected metadata read (a compatible v1 addition). */
  imdsMetadata: metadataExpectationSchema.optional(),
});
export type Expectation = z.infer<typeof expectationSchema>;

export const evidenceSchema = z.object({
  /** The line or fact that decided the class (an error line, `failures[0].reason`, a stoppedReason…). */
  decidedBy: text,
  /** The caller identity the task printed, when it got that far. */
  callerArn: name.optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const cellDetailsSchema = z.object({
  instanceGroup: name,
  instanceId: name.optional(),
  amiId: name.optional(),
  taskArn: name.optional(),
  /** As registered: any JSON, nested at most maxTaskDefinitionDepth deep, strings bounded like free text. */
  taskDefinition: boundedJson(RESULTS_LIMITS.maxTaskDefinitionDepth, RESULTS_LIMITS.maxTextChars).optional(),
  stoppedReason: text.optional(),
  exitCode: z.number().int().min(-2_147_483_648).max(4_294_967_295).optional(),
  /** How long the task ran (ECS startedAt → stoppedAt): the client's own time, not the harness's. */
  taskRunMs: milliseconds.optional(),
  failures: z
    .array(z.object({ arn: name.optional(), reason: text, detail: text.optional() }))
    .max(1_000)
    .optional(),
  /** The task's log lines as shipped to CloudWatch Logs (credentials never appear here). */
  log: z.array(text).max(RESULTS_LIMITS.maxLogLines, { message: `more than ${RESULTS_LIMITS.maxLogLines} log lines` }),
  /**
   * The tail of the cell's instance console (EC2 GetConsoleOutput; the lab's recorded boot): evidence
   * for a reader, never read by the classifier. Absent when there was no instance or no answer.
   */
  console: z
    .string()
    .max(RESULTS_LIMITS.maxConsoleChars, { message: `longer than ${RESULTS_LIMITS.maxConsoleChars} characters` })
    .refine((tail) => tail.split('\n').length <= RESULTS_LIMITS.maxConsoleLines, {
      message: `more than ${RESULTS_LIMITS.maxConsoleLines} lines`,
    })
    .optional(),
  /** `process: imds-metadata-reader`: what the task's metadata read got (absent when the reader never reported). */
  imdsMetadata: imdsMetadataSchema.optional(),
  /** A seed-replay cell (`taskMemory: seed`) on the seed's image: what the seed's own install command did. */
  seedInstall: seedInstallSchema.optional(),
});
export type CellDetails = z.infer<typeof cellDetailsSchema>;

export const cellResultSchema = z.object({
  id: name.regex(/^[A-Za-z0-9][A-Za-z0-9=,._-]*$/, { message: 'expected a cell id such as network=host,load=burst' }),
  dimensions: dimensionsSchema,
  expected: expectationSchema,
  actual: z.object({ outcome, evidence: evidenceSchema }),
  verdict: verdictSchema,
  durationMs: milliseconds,
  details: cellDetailsSchema,
});
export type CellResult = z.infer<typeof cellResultSchema>;

export const runMetadataSchema = z.object({
  runId: name,
  backend: backendSchema,
  region: name,
  matrixName: name,
  startedAt: isoDate,
  finishedAt: isoDate.optional(),
  durationMs: milliseconds.optional(),
  commit: name.optional(),
  toolVersion: name,
  /** The lab's ECS agent (`run --lab-agent`): its model or the real agent. Absent on other backends. */
  labAgent: z.enum(['model', 'real']).optional(),
  /** Per AMI profile actually used: the image id and the ECS agent version the instance reported. */
  amis: z
    .record(name, z.object({ imageId: name, agentVersion: name.optional() }))
    .refine((amis) => Object.keys(amis).length <= 100, { message: 'more than 100 AMI profiles' }),
});
export type RunMetadata = z.infer<typeof runMetadataSchema>;

/** A failure outside any cell (setup/teardown project, a Playwright global error). Optional in v1. */
export const runErrorSchema = z.object({
  /** Where it happened: the test's title path, or `playwright` for a global error. */
  where: name,
  message: text,
});
export type RunError = z.infer<typeof runErrorSchema>;

export const runResultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  run: runMetadataSchema,
  cells: z
    .array(cellResultSchema)
    .max(RESULTS_LIMITS.maxCells, { message: `more than ${RESULTS_LIMITS.maxCells} cells` })
    .superRefine((cells, context) => {
      const seen = new Set<string>();
      cells.forEach((cell, index) => {
        if (seen.has(cell.id)) {
          context.addIssue({ code: 'custom', path: [index, 'id'], message: 'a second cell with this id' });
        }
        seen.add(cell.id);
      });
    }),
  /** Compatible v1 extension: run-level infrastructure failures; absent or empty when there were none. */
  errors: z.array(runErrorSchema).max(10_000).optional(),
});
export type RunResults = z.infer<typeof runResultsSchema>;
