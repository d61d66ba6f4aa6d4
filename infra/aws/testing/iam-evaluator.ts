/**
 * Test support, imported only by specs (in testing/: never in the package): evaluates a request against the harness policy (and, for the
 * harness's roles, the permissions boundary) with a real IAM policy evaluator, @cloud-copilot/iam-simulate
 * (AGPL-3.0: a devDependency used by tests only, never shipped or imported by the product). It drops the
 * condition keys AWS does not supply for the action and resource (its service reference data), so a
 * condition that AWS could never satisfy denies here too.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, type AuthorizedAction } from '../authorization.ts';
import type { PolicyDocument } from '../harness-policy.ts';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Evaluation {
  decision: Decision;
  /** The evaluator's complaint about the request (an unknown action, a malformed ARN), if any. */
  error?: string;
  ignoredContextKeys: string[];
}

export async function evaluate(
  request: AuthorizedAction,
  policies: { identity: PolicyDocument; boundary?: PolicyDocument },
  principal: { arn: string; account: string },
): Promise<Evaluation> {
  const result = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: principal.account },
        contextVariables: request.context,
      },
      identityPolicies: [{ name: 'policy', policy: policies.identity }],
      ...(policies.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: policies.boundary }] } : {}),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') {
    return { decision: 'ImplicitlyDenied', error: JSON.stringify(result.errors), ignoredContextKeys: [] };
  }
  const ignored = result.resultType === 'single' ? (result.result.ignoredContextKeys ?? []) : [];
  return { decision: result.overallResult as Decision, ignoredContextKeys: ignored };
}

/** A request or resource as recorded (the account a placeholder where only a name was known) for one account. */
export function forAccount<T>(recorded: T, account: string): T {
  return JSON.parse(JSON.stringify(recorded).replaceAll(ACCOUNT, account)) as T;
}

/** A resource as AWS knows it: the tags and boundary it was created with. */
export type KnownResources = ReadonlyMap<
  string,
  { tags: Record<string, string>; permissionsBoundary?: string; context?: Record<string, string> }
>;

/** Adds `aws:ResourceTag/…`, `iam:PermissionsBoundary` and the other keys of the resource as created (the evaluator drops the keys an action does not have). */
export function withResourceContext(request: AuthorizedAction, known: KnownResources): AuthorizedAction {
  const resource = known.get(request.resource);
  if (!resource) return request;
  const context = { ...request.context };
  for (const [key, value] of Object.entries(resource.tags)) context[`aws:ResourceTag/${key}`] ??= value;
  if (resource.permissionsBoundary) context['iam:PermissionsBoundary'] ??= resource.permissionsBoundary;
  for (const [key, value] of Object.entries(resource.context ?? {})) context[key] ??= value;
  return { ...request, context };
}
