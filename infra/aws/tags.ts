import { randomBytes } from 'node:crypto';
import { RUN_TTL_HOURS } from '../../core/caps.ts';
import { EXPIRES_TAG_KEY, RUN_TAG_KEY } from '../../core/harness-tags.ts';

/** Every resource the harness creates carries its run and an expiry; `sweep` trusts nothing else. */
export const RUN_TAG = RUN_TAG_KEY;
export const EXPIRES_TAG = EXPIRES_TAG_KEY;
/** IAM path of the harness's roles and instance profiles (the harness policy is scoped to it). */
export const IAM_PATH = '/ecs-taskrole/';
/** A run's resources expire this long after it starts, unless torn down earlier. */
export const RUN_TTL_MS = RUN_TTL_HOURS * 3_600_000;

export interface Tag {
  Key: string;
  Value: string;
}

/** Short enough for IAM names (64 chars) with a suffix: `r` + time (base 36) + random. */
export function newRunId(now = new Date()): string {
  return `r${now.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
}

export function runTags(runId: string, startedAt: Date): Tag[] {
  return [
    { Key: RUN_TAG, Value: runId },
    { Key: EXPIRES_TAG, Value: new Date(startedAt.getTime() + RUN_TTL_MS).toISOString() },
  ];
}

/** What a resource's tags say about it; undefined if the harness did not make it (no run tag). */
export interface Ownership {
  runId: string;
  /** The expiry tag's time; undefined when the tag is missing or unparsable (never swept as expired). */
  expiresAt?: Date;
  /** Why there is no expiresAt. */
  expiryProblem?: 'missing' | 'unparsable';
}

export function ownership(
  tags: readonly { Key?: string; Value?: string; key?: string; value?: string }[] | Record<string, string> | undefined,
): Ownership | undefined {
  const map = Array.isArray(tags)
    ? Object.fromEntries(tags.map((tag) => [tag.Key ?? tag.key ?? '', tag.Value ?? tag.value ?? '']))
    : (tags ?? {});
  const runId = map[RUN_TAG];
  if (!runId) return undefined;
  const text = map[EXPIRES_TAG];
  if (text === undefined || text === '') return { runId, expiryProblem: 'missing' };
  const expires = Date.parse(text);
  if (Number.isNaN(expires)) return { runId, expiryProblem: 'unparsable' };
  return { runId, expiresAt: new Date(expires) };
}

/** A name unique to the run: `ecs-taskrole-<run>-<what>`. */
export function resourceName(runId: string, what: string): string {
  return `ecs-taskrole-${runId}-${what}`;
}
