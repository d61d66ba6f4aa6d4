import { z } from 'zod';
import { BadInputError, type InputProblem } from '../../core/errors.ts';
import { DIMENSION_NAMES } from '../../core/matrix/dimensions.ts';
import { formatPath } from '../../core/matrix/load.ts';
import { OUTCOMES } from '../../core/outcome.ts';
import { RESULTS_SCHEMA_VERSION, type RunResults } from '../../core/results/results-schema.ts';

const outcome = z.enum(OUTCOMES);

/** Every known dimension must be there (renderers pivot on them); unknown extra ones are tolerated. */
const dimensions = z.looseObject(Object.fromEntries(DIMENSION_NAMES.map((name) => [name, z.string()])));

const cellSchema = z.object({
  id: z.string().min(1),
  dimensions,
  expected: z.object({
    outcome,
    rule: z.string(),
    statement: z.string(),
    source: z.string(),
    inferred: z.boolean(),
    chain: z.array(z.string()),
  }),
  actual: z.object({
    outcome,
    evidence: z.object({ decidedBy: z.string(), callerArn: z.string().optional() }),
  }),
  verdict: z.enum(['pass', 'fail', 'infra']),
  durationMs: z.number(),
  details: z.object({
    instanceGroup: z.string(),
    instanceId: z.string().optional(),
    amiId: z.string().optional(),
    taskArn: z.string().optional(),
    taskDefinition: z.unknown().optional(),
    stoppedReason: z.string().optional(),
    exitCode: z.number().optional(),
    taskRunMs: z.number().optional(),
    failures: z
      .array(z.object({ arn: z.string().optional(), reason: z.string(), detail: z.string().optional() }))
      .optional(),
    log: z.array(z.string()),
  }),
});

const resultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  run: z.object({
    runId: z.string(),
    backend: z.enum(['lab', 'aws', 'localstack']),
    region: z.string(),
    matrixName: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    durationMs: z.number().optional(),
    commit: z.string().optional(),
    toolVersion: z.string(),
    amis: z.record(z.string(), z.object({ imageId: z.string(), agentVersion: z.string().optional() })),
  }),
  cells: z.array(cellSchema),
  errors: z.array(z.object({ where: z.string(), message: z.string() })).optional(),
});

/** How many problems one message lists before "… and N more" (a broken file can have thousands). */
const MAX_PROBLEMS = 20;

/**
 * Parses and validates results.json text. The schema version is checked first so a file from another
 * version of the tool gets one clear line instead of a page of field errors. Throws BadInputError.
 */
export function parseResults(text: string, file: string): RunResults {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BadInputError([{ file, path: '', message: `not JSON: ${(error as Error).message}` }]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BadInputError([
      { file, path: '', message: 'expected a results.json object ({ schemaVersion, run, cells })' },
    ]);
  }
  const version = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (version !== RESULTS_SCHEMA_VERSION) {
    const found = version === undefined ? 'no schemaVersion' : `schemaVersion ${JSON.stringify(version)}`;
    throw new BadInputError([
      {
        file,
        path: 'schemaVersion',
        message: `${found}; this ecs-taskrole reads results schema version ${RESULTS_SCHEMA_VERSION} (is it a results.json written by ecs-taskrole?)`,
      },
    ]);
  }
  const parsed = resultsSchema.safeParse(raw);
  if (parsed.success) return parsed.data as RunResults;
  const problems: InputProblem[] = parsed.error.issues
    .slice(0, MAX_PROBLEMS)
    .map((issue) => ({ file, path: formatPath(issue.path), message: issue.message }));
  const more = parsed.error.issues.length - MAX_PROBLEMS;
  if (more > 0) problems.push({ file, path: '', message: `… and ${more} more problems` });
  throw new BadInputError(problems);
}
