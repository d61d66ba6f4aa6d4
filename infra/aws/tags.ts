import { randomBytes } from 'node:crypto';
import { RUN_TAG_KEY } from '../lab/index.ts';

/** Every resource the harness creates carries its run and an expiry; `sweep` trusts nothing else. */
export const RUN_TAG = RUN_TAG_KEY;
export const EXPIRES_TAG = 'ecs-taskrole:expires';
/** IAM path of the harness's roles and instance profiles (the harness policy is scoped to it). */
export const IAM_PATH = '/ecs-taskrole/';
/** A run's resources expire this long after it starts, unless torn down earlier. */
export const RUN_TTL_MS = 6 * 3_600_000;

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

/**
 * The run a resource belongs to and whether it is due for sweeping (its expiry passed, or, with
 * `olderThanMs`, its run started at least that long ago), from its tags; undefined if the harness did not
 * make it.
 */
export function ownership(
  tags: readonly { Key?: string; Value?: string; key?: string; value?: string }[] | Record<string, string> | undefined,
  now: Date,
  olderThanMs?: number,
): { runId: string; expired: boolean } | undefined {
  const map = Array.isArray(tags)
    ? Object.fromEntries(tags.map((tag) => [tag.Key ?? tag.key ?? '', tag.Value ?? tag.value ?? '']))
    : (tags ?? {});
  const runId = map[RUN_TAG];
  if (!runId) return undefined;
  const expires = Date.parse(map[EXPIRES_TAG] ?? '');
  const startedAt = Number.isNaN(expires) ? 0 : expires - RUN_TTL_MS;
  const expired =
    Number.isNaN(expires) ||
    expires <= now.getTime() ||
    (olderThanMs !== undefined && now.getTime() - startedAt >= olderThanMs);
  return { runId, expired };
}

/** A name unique to the run: `ecs-taskrole-<run>-<what>`. */
export function resourceName(runId: string, what: string): string {
  return `ecs-taskrole-${runId}-${what}`;
}
