/**
 * results.json, the one portable artifact of a run (schema version 1). Renderers (HTML, JUnit,
 * Markdown), `report`, `diff` and history read only this. Documented in docs/results-schema.md.
 */
import type { Dimensions } from '../matrix/dimensions.ts';
import type { Outcome } from '../outcome.ts';

export const RESULTS_SCHEMA_VERSION = 1;

export type Backend = 'lab' | 'aws' | 'localstack';

/** pass: actual equals expected; fail: a deviation; infra: INFRA_ERROR/TIMEOUT, no verdict possible. */
export type Verdict = 'pass' | 'fail' | 'infra';

export interface Expectation {
  outcome: Outcome;
  /** The rule that decided the outcome (rules/conformance-rules.ts), or `expect[N]` for a matrix override. */
  rule: string;
  statement: string;
  source: string;
  inferred: boolean;
  /** Every rule that contributed, in evaluation order (e.g. the fallback cause, then the instance-role rule). */
  chain: string[];
}

export interface Evidence {
  /** The line or fact that decided the class (an error line, `failures[0].reason`, a stoppedReason…). */
  decidedBy: string;
  /** The caller identity the task printed, when it got that far. */
  callerArn?: string;
}

export interface CellDetails {
  instanceGroup: string;
  instanceId?: string;
  amiId?: string;
  taskArn?: string;
  taskDefinition?: unknown;
  stoppedReason?: string;
  exitCode?: number;
  /** How long the task ran (ECS startedAt → stoppedAt): the client's own time, not the harness's. */
  taskRunMs?: number;
  failures?: { arn?: string; reason: string; detail?: string }[];
  /** The task's log lines as shipped to CloudWatch Logs (credentials never appear here). */
  log: string[];
}

export interface CellResult {
  id: string;
  dimensions: Dimensions;
  expected: Expectation;
  actual: { outcome: Outcome; evidence: Evidence };
  verdict: Verdict;
  durationMs: number;
  details: CellDetails;
}

export interface RunMetadata {
  runId: string;
  backend: Backend;
  region: string;
  matrixName: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  commit?: string;
  toolVersion: string;
  /** Per AMI profile actually used: the image id and the ECS agent version the instance reported. */
  amis: Record<string, { imageId: string; agentVersion?: string }>;
}

/** A failure outside any cell (setup/teardown project, a Playwright global error). Optional in v1. */
export interface RunError {
  /** Where it happened: the test's title path, or `playwright` for a global error. */
  where: string;
  message: string;
}

export interface RunResults {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  run: RunMetadata;
  cells: CellResult[];
  /** Compatible v1 extension: run-level infrastructure failures; absent or empty when there were none. */
  errors?: RunError[];
}
