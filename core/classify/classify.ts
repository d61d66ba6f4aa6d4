import type { Outcome } from '../outcome.ts';
import type { Evidence } from '../results/results-schema.ts';
import { CLIENT_TEXTS as T } from './client-texts.ts';
import type { CellEvidence } from './evidence.ts';

export interface Classification {
  outcome: Outcome;
  evidence: Evidence;
}

/** RunTask failure reasons that mean "the scheduler found no instance for this configuration". */
const NOT_PLACED_REASONS = new Set(['ATTRIBUTE', 'MISSING', 'AGENT']);

/**
 * Pure: evidence of one cell → outcome class and the line or fact that decided it. Order matters:
 * harness problems first, then the scheduler, ECS's role assumption, the endpoint, and finally the
 * identity the task actually used. Output it does not recognise is INFRA_ERROR with the text kept.
 */
export function classify(e: CellEvidence): Classification {
  const decided = (outcome: Outcome, decidedBy: string, callerArn?: string): Classification => ({
    outcome,
    evidence: callerArn ? { decidedBy, callerArn } : { decidedBy },
  });
  const lines = e.logLines;
  const find = (pattern: RegExp) => lines.find((line) => pattern.test(line));

  if (e.harnessError) return decided('INFRA_ERROR', e.harnessError);
  if (e.timedOut) return decided('TIMEOUT', `time limit reached; last output: ${lines.at(-1) ?? '(none)'}`);
  if (e.instanceNotRegistered) return decided('NOT_PLACED', e.instanceNotRegistered);
  if (e.runTaskRefusal) {
    // On AWS the trust check is RunTask's own (a ClientException, no task): the refusal is the evidence.
    const refusal = `RunTask refused: ${e.runTaskRefusal}`;
    // The caller's missing iam:PassRole keeps the task from its role just as a refusing trust policy does.
    const roleRefused = T.roleNotAssumable.test(e.runTaskRefusal) || T.passRoleDenied.test(e.runTaskRefusal);
    return decided(roleRefused ? 'ROLE_NOT_ASSUMABLE' : 'INFRA_ERROR', refusal);
  }

  const failure = e.failures[0];
  if (failure) {
    const text = `RunTask failure: ${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}`;
    return decided(NOT_PLACED_REASONS.has(failure.reason) ? 'NOT_PLACED' : 'INFRA_ERROR', text);
  }
  if (e.stoppedReason && T.roleNotAssumable.test(e.stoppedReason)) {
    return decided('ROLE_NOT_ASSUMABLE', e.stoppedReason);
  }
  // A service reports the same refusal as an event ("(service x) … ECS was unable to assume the role …").
  const serviceEvent = e.serviceEvents?.find((event) => T.roleNotAssumable.test(event));
  if (serviceEvent) return decided('ROLE_NOT_ASSUMABLE', serviceEvent);

  const throttled = find(T.throttled);
  if (throttled) return decided('ENDPOINT_ERROR', throttled);
  const containerError = find(T.containerCredentialsError);
  if (containerError) return decided('ENDPOINT_ERROR', containerError);

  const callerLine = find(T.callerArn);
  const deniedLine = find(T.denied);
  const callerArn = callerLine?.match(T.callerArn)?.[1] ?? deniedLine?.match(T.deniedPrincipal)?.[1];
  if (callerArn) return byIdentity(e, callerArn, deniedLine, find(T.listTasksSucceeded), decided);

  const noProvider = find(T.sdkV3NoProviders) ?? find(T.goV1NoProviders) ?? find(T.goV2NoCredentials);
  if (noProvider) {
    // SDK v3 and the Go SDKs say the same whichever provider failed; the program's marker line tells them
    // apart (with the variable set, the container provider is the only one they try).
    return find(T.containerVariableSet)
      ? decided('ENDPOINT_ERROR', `${noProvider} (the container-credentials variable was set)`)
      : decided('NO_CREDENTIALS', noProvider);
  }
  const missing = find(T.unableToLocate) ?? find(T.sdkV2Missing);
  if (missing) return decided('NO_CREDENTIALS', missing);

  const unknown = lines.length > 0 ? lines.join('\n') : `no output (exit code ${e.exitCode ?? 'unknown'})`;
  return decided('INFRA_ERROR', `unrecognised output: ${unknown}${e.stoppedReason ? `; ${e.stoppedReason}` : ''}`);
}

function byIdentity(
  e: CellEvidence,
  callerArn: string,
  deniedLine: string | undefined,
  successLine: string | undefined,
  decided: (outcome: Outcome, decidedBy: string, callerArn?: string) => Classification,
): Classification {
  const role = assumedRoleName(callerArn);
  const isTaskRole = e.taskRoleArn !== undefined && role === roleName(e.taskRoleArn);
  const isInstanceRole = role === roleName(e.instanceRoleArn);
  if (!isTaskRole && !isInstanceRole) {
    return decided('INFRA_ERROR', `caller is neither the task role nor the instance role: ${callerArn}`, callerArn);
  }
  if (deniedLine) return decided(isTaskRole ? 'TASK_ROLE_DENIED' : 'INSTANCE_ROLE_DENIED', deniedLine, callerArn);
  if (successLine) return decided(isTaskRole ? 'TASK_ROLE' : 'INSTANCE_ROLE_LEAK', `caller ${callerArn}`, callerArn);
  return decided(
    'INFRA_ERROR',
    `caller ${callerArn}, but the list-tasks call printed neither result nor denial`,
    callerArn,
  );
}

/** `arn:aws:sts::1:assumed-role/Name/session` → `Name`. */
function assumedRoleName(arn: string): string | undefined {
  return /:assumed-role\/([^/]+)\//.exec(arn)?.[1];
}

/** `arn:aws:iam::1:role/path/Name` → `Name` (assumed-role ARNs drop the path). */
function roleName(arn: string): string | undefined {
  return /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
}
