/** The outcome classes (README "Outcome classes"): every layer (rules, classifier, reports) speaks these names. */
export const OUTCOMES = [
  'TASK_ROLE',
  'TASK_ROLE_DENIED',
  'INSTANCE_ROLE_DENIED',
  'INSTANCE_ROLE_LEAK',
  'NO_CREDENTIALS',
  'ENDPOINT_ERROR',
  'NOT_PLACED',
  'ROLE_NOT_ASSUMABLE',
  'INFRA_ERROR',
  'TIMEOUT',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_MEANINGS: Record<Outcome, string> = {
  TASK_ROLE: 'task-role credentials; the known-good call succeeded',
  TASK_ROLE_DENIED: 'task-role credentials, but the role lacks the permission',
  INSTANCE_ROLE_DENIED: 'fell back to the instance role; Access Denied',
  INSTANCE_ROLE_LEAK: 'fell back to the instance role and the call succeeded (security finding)',
  NO_CREDENTIALS: 'no provider produced credentials ("Unable to locate credentials")',
  ENDPOINT_ERROR: 'the credentials variable was set but the endpoint failed (unreachable, 4xx, 429)',
  NOT_PLACED: 'the task never ran (missing attribute, no registered instance)',
  ROLE_NOT_ASSUMABLE: 'ECS could not assume the task role (trust policy), or RunTask was refused it (iam:PassRole)',
  INFRA_ERROR: 'the harness or backend failed; not a verdict about the configuration',
  TIMEOUT: 'the cell exceeded its time limit; not a verdict about the configuration',
};

/** Outcomes that say something about the harness, never about the configuration under test. */
export const INFRA_OUTCOMES: ReadonlySet<Outcome> = new Set(['INFRA_ERROR', 'TIMEOUT']);

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}
