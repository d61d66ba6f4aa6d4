/**
 * The IAM policy the harness needs and the permissions boundary of every role it creates (both part of
 * the product: `ecs-taskrole policy` prints them). The fixtures use `*` for account and region so they
 * work as they are; given an account and region, those wildcards are filled in.
 */
import { readFileSync } from 'node:fs';
import { IAM_PATH } from './tags.ts';

export const BOUNDARY_POLICY_NAME = 'ecs-taskrole-boundary';

export interface PolicyDocument {
  Version: string;
  Statement: Record<string, unknown>[];
}

const load = (file: string): PolicyDocument =>
  JSON.parse(readFileSync(new URL(`../../fixtures/iam/${file}`, import.meta.url), 'utf8'));

/** The managed policy every harness role must carry as its boundary (created once per account). */
export function boundaryArn(account: string): string {
  return `arn:aws:iam::${account}:policy${IAM_PATH}${BOUNDARY_POLICY_NAME}`;
}

export function harnessPolicy(scope: PolicyScope = {}): PolicyDocument {
  return fill(load('harness-policy.json'), scope);
}

export function permissionsBoundary(scope: PolicyScope = {}): PolicyDocument {
  return fill(load('permissions-boundary.json'), scope);
}

export interface PolicyScope {
  account?: string;
  region?: string;
}

/**
 * Replaces a `*` account or region of every ARN. IAM ARNs have no region; SSM's public parameters belong
 * to AWS, not to the account (their ARNs keep `*`); `aws` (managed policies) is not a wildcard. The
 * `iam:AssociatedResourceArn` IAM supplies when a role goes into an instance profile names the instance
 * with a `*` region (`arn:aws:ec2:*:ACCOUNT:instance/*`), so that condition keeps its region wildcard.
 */
function fill(document: PolicyDocument, scope: PolicyScope): PolicyDocument {
  const arn = (value: string, keepRegion: boolean): string => {
    const parts = value.split(':');
    if (parts[0] !== 'arn' || parts.length < 6) return value;
    const service = parts[2];
    if (scope.region && !keepRegion && parts[3] === '*' && service !== 'iam') parts[3] = scope.region;
    if (scope.account && parts[4] === '*' && service !== 'ssm') parts[4] = scope.account;
    return parts.join(':');
  };
  const walk = (value: unknown, keepRegion = false): unknown => {
    if (typeof value === 'string') return arn(value, keepRegion);
    if (Array.isArray(value)) return value.map((inner) => walk(inner, keepRegion));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [
          key,
          walk(inner, keepRegion || key === 'iam:AssociatedResourceArn'),
        ]),
      );
    }
    return value;
  };
  return walk(document) as PolicyDocument;
}
