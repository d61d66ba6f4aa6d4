import { type Dimensions, isEcsOptimized, runsEcsInit } from '../matrix/dimensions.ts';
import type { Outcome } from '../outcome.ts';
import type { ImdsMetadataResult } from '../results/results-schema.ts';
import {
  bridgeImdsBlocked,
  burstIsThrottled,
  credentialsEndpointUnreachable,
  endpointRulesFlushed,
  imdsV1Allowed,
  inputPolicyDropsEndpoint,
  isBotocoreClient,
  isGoClient,
  proxyTakesCredentialsEndpoint,
  tokenResponseCannotReachTask,
} from './facts.ts';
import { SOURCES } from './sources.ts';

/** The client gave up on task-role credentials and asked IMDS: the instance-role rules decide. */
export const FALLBACK = 'FALLBACK_TO_INSTANCE_ROLE';

export interface Rule {
  id: string;
  /** One line, MUST-style, what ECS does. */
  statement: string;
  source: string;
  /** No source states it outright: derived or measured. */
  inferred?: boolean;
  when(cell: Dimensions): boolean;
  outcome: Outcome | typeof FALLBACK;
}

/**
 * The golden list, evaluated in order along the credential chain: placement, role assumption, which
 * provider the client uses, the endpoint, the role's permission. The first matching rule decides; a
 * FALLBACK hands over to INSTANCE_ROLE_RULES. The expectation never feeds the lab.
 */
export const CREDENTIAL_RULES: readonly Rule[] = [
  {
    id: 'instance-role-not-assumable-by-ec2',
    statement:
      'An instance role whose trust policy does not admit ec2.amazonaws.com gives the instance no credentials (IMDS answers AssumeRoleUnauthorizedAccess): the agent cannot register, no task is placed',
    source: SOURCES.instanceRoleTrust,
    when: (c) => c.instanceRoleTrust !== 'ec2',
    outcome: 'NOT_PLACED',
  },
  {
    id: 'caller-cannot-pass-role',
    statement:
      'RunTask passes the task role to ecs-tasks.amazonaws.com: a caller without iam:PassRole on it is refused (AccessDeniedException naming iam:PassRole) before any placement; no task runs',
    source: SOURCES.passRole,
    when: (c) => c.taskRole === 'set' && c.passRole === 'not-allowed',
    outcome: 'ROLE_NOT_ASSUMABLE',
  },
  {
    id: 'agent-proxy-without-no-proxy',
    statement:
      'An agent HTTP_PROXY without NO_PROXY=169.254.169.254,169.254.170.2 keeps the agent from IMDS: the instance never registers, no task is placed',
    source: SOURCES.agentProxy,
    when: (c) => c.agentProxy === 'without-no-proxy',
    outcome: 'NOT_PLACED',
  },
  {
    id: 'awsvpc-without-task-eni',
    statement:
      'awsvpc tasks need the task-eni capability, which the agent registers only with ECS_ENABLE_TASK_ENI=true (ecs-init sets it; the documented docker run of the agent does not): not placed (ATTRIBUTE)',
    source: SOURCES.awsvpcTaskEni,
    inferred: true,
    when: (c) => c.network === 'awsvpc' && !runsEcsInit(c),
    outcome: 'NOT_PLACED',
  },
  {
    id: 'task-iam-role-flag-off',
    statement:
      'Without ECS_ENABLE_TASK_IAM_ROLE=true the instance lacks the task-iam-role attribute; a task with taskRoleArn is not placed (ATTRIBUTE)',
    source: SOURCES.agentCapability,
    when: (c) => c.taskRole === 'set' && c.taskIamRoleFlag === 'false',
    outcome: 'NOT_PLACED',
  },
  {
    id: 'network-host-flag-off',
    statement:
      'In host mode a task with taskRoleArn also needs the task-iam-role-network-host attribute (ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true)',
    source: `${SOURCES.agentCapability} (no AWS doc states the placement requirement)`,
    inferred: true,
    when: (c) => c.taskRole === 'set' && c.network === 'host' && c.networkHostFlag === 'false',
    outcome: 'NOT_PLACED',
  },
  {
    id: 'trust-not-ecs-tasks',
    statement:
      'A task role that does not trust ecs-tasks.amazonaws.com cannot be assumed by ECS; the task never starts',
    source: SOURCES.devGuideTroubleshoot,
    when: (c) => c.taskRole === 'set' && c.trust === 'ec2',
    outcome: 'ROLE_NOT_ASSUMABLE',
  },
  {
    id: 'task-role-unset',
    statement:
      'A task definition without taskRoleArn gets no AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; the SDK falls back to the instance role',
    source: `${SOURCES.taskEnv}; ${SOURCES.kbArticle}`,
    when: (c) => c.taskRole === 'unset',
    outcome: FALLBACK,
  },
  {
    id: 'sdk-before-container-credentials',
    statement: 'SDKs older than 2016-07-13 (aws-sdk ≤ 2.4.6) never ask the container endpoint: instance role',
    source: SOURCES.sdkMinimum,
    when: (c) => c.client === 'sdk-js-v2-2016',
    outcome: FALLBACK,
  },
  {
    id: 'env-reset-child',
    statement:
      'A process started with a clean environment lacks AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (only PID 1 has it): instance role',
    source: `${SOURCES.kbArticle}; aws-sdk-php#2154`,
    when: (c) => c.process === 'env-reset-child',
    outcome: FALLBACK,
  },
  {
    id: 'sibling-container-without-credentials-variable',
    statement:
      "A container the task starts through the host's Docker socket is not a container of the task: the agent gives it no AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, and docker run passes on only the variables it is told to; its SDK falls back to IMDS on docker0 (the instance role, or none where IMDS is blocked)",
    source: SOURCES.siblingContainer,
    when: (c) => c.process === 'sibling-container',
    outcome: FALLBACK,
  },
  {
    id: 'rules-flushed-while-agent-runs',
    statement:
      'Rules flushed while the agent runs stay gone (ecs-init adds them only when the ecs service starts): 169.254.170.2 is no longer sent to the agent; CLIs and SDK v3 fail with a container-credentials error',
    source: `${SOURCES.rulesFlushed}; ${SOURCES.sdkClients}`,
    when: (c) => endpointRulesFlushed(c) && c.client !== 'sdk-js-v2',
    outcome: 'ENDPOINT_ERROR',
  },
  {
    id: 'input-policy-drop',
    statement:
      "An INPUT policy of DROP (CIS-hardened hosts) drops a bridge or awsvpc task's request after its DNAT to 127.0.0.1:51679 unless a rule accepts the agent's port; host mode arrives on lo and works",
    source: `${SOURCES.hardenedInput}; ${SOURCES.sdkClients}`,
    when: (c) => inputPolicyDropsEndpoint(c) && c.client !== 'sdk-js-v2',
    outcome: 'ENDPOINT_ERROR',
  },
  {
    id: 'task-proxy-takes-container-credentials',
    statement:
      'aws-sdk-go v1 and v2 send the container-credentials request through HTTP_PROXY unless NO_PROXY names 169.254.170.2; the proxy cannot reach the link-local endpoint, and with the variable set the SDK never tries IMDS: a container-credentials error',
    source: SOURCES.goSdkProxy,
    when: (c) => isGoClient(c) && proxyTakesCredentialsEndpoint(c),
    outcome: 'ENDPOINT_ERROR',
  },
  {
    id: 'saved-rules-lose-route-localnet',
    statement:
      'Rules saved as the seed says come back after a reboot, route_localnet (set with sysctl -w) does not: bridge tasks cannot reach 169.254.170.2, host mode can',
    source: `${SOURCES.kbArticle} (the save line); ${SOURCES.devGuideTaskRoles}; sysctl.d(5) (sysctl -w is not persistent)`,
    inferred: true,
    when: (c) => c.hostRules === 'documented-rebooted' && credentialsEndpointUnreachable(c) && c.client !== 'sdk-js-v2',
    outcome: 'ENDPOINT_ERROR',
  },
  {
    id: 'endpoint-unreachable',
    statement:
      'Without the documented iptables/sysctl rules, 169.254.170.2 is unreachable; CLIs and SDK v3 fail hard with a container-credentials error',
    source: `${SOURCES.devGuideTaskRoles}; ${SOURCES.sdkClients}`,
    when: (c) => credentialsEndpointUnreachable(c) && c.client !== 'sdk-js-v2',
    outcome: 'ENDPOINT_ERROR',
  },
  {
    id: 'endpoint-unreachable-sdk-v2-fallback',
    statement:
      'Without the rules, current aws-sdk v2 silently falls back to the instance role (after ~9 minutes when packets are dropped)',
    source: `${SOURCES.sdkClients}; amazon-ecs-agent#1146`,
    when: (c) => credentialsEndpointUnreachable(c) && c.client === 'sdk-js-v2',
    outcome: FALLBACK,
  },
  {
    id: 'rps-limit-throttles-burst',
    statement: `A burst of credential fetches above ECS_TASK_METADATA_RPS_LIMIT's burst gets HTTP 429 (unset or malformed: 40,60, so 400 concurrent fetches are throttled without lowering the limit)`,
    source: SOURCES.rpsLimit,
    when: burstIsThrottled,
    outcome: 'ENDPOINT_ERROR',
  },
  {
    id: 'permission-on-execution-role',
    statement:
      "ecs:ListTasks on the execution role does not reach the task: the agent keeps the execution role's credentials, the task role without the permission is denied",
    source: SOURCES.executionRole,
    when: (c) => c.taskRolePolicy === 'on-execution-role',
    outcome: 'TASK_ROLE_DENIED',
  },
  {
    id: 'task-role-lacks-permission',
    statement: 'Task-role credentials without ecs:ListTasks are denied, and the denial names the task role',
    source: SOURCES.iamSemantics,
    when: (c) => c.taskRolePolicy === 'none',
    outcome: 'TASK_ROLE_DENIED',
  },
  {
    id: 'seed-memory-holds-the-call',
    statement:
      "The seed's 128 MiB hard limit holds the known-good call (measured peaks: CLI v2 50 MiB, CLI v1 41 MiB, SDK v3 19 MiB); whether it holds the install on AWS (dnf's repository metadata, npm, pip) is what this cell shows: past it, exit 137 (OutOfMemoryError)",
    source: SOURCES.seedMemory,
    inferred: true,
    when: (c) => c.taskMemory === 'seed',
    outcome: 'TASK_ROLE',
  },
  {
    id: 'awsvpc-task-role',
    statement:
      "An awsvpc task reaches 169.254.170.2 through its ecs-bridge veth and the instance's DNAT, whatever ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST says: task-role credentials",
    source: SOURCES.awsvpcCredentials,
    // Read from the agent's and ecs-init's source; no AWS doc states it for awsvpc tasks.
    inferred: true,
    when: (c) => c.network === 'awsvpc',
    outcome: 'TASK_ROLE',
  },
  {
    id: 'ecs-init-package-on-plain-ami',
    statement:
      "AL2023's ecs-init package on a plain AMI does what it does on the ECS-optimized AMI: its rules and route_localnet at every start of the ecs service, whatever the manual rules: task-role credentials",
    source: SOURCES.ecsInitPackage,
    inferred: true,
    when: (c) => !isEcsOptimized(c.ami) && c.agentInstall === 'ecs-init-package',
    outcome: 'TASK_ROLE',
  },
  {
    id: 'sibling-container-env-forwarded',
    statement:
      "A sibling container given the task's AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (docker run -e) reaches the agent through the instance's DNAT from docker0, and the agent serves credentials by the ID in the path, whoever asks: task-role credentials",
    source: SOURCES.siblingContainerForwarded,
    // The handler's lookup and the DNAT's missing interface are read from source; no AWS doc covers siblings.
    inferred: true,
    when: (c) => c.process === 'sibling-container-env-forwarded',
    outcome: 'TASK_ROLE',
  },
  {
    id: 'known-good',
    statement:
      'With the flags on, the documented rules in place and a trusting role, the task gets task-role credentials',
    source: `${SOURCES.devGuideTroubleshoot}; ${SOURCES.ecsInit}`,
    when: () => true,
    outcome: 'TASK_ROLE',
  },
];

/** Which instance-role outcome a client that fell back to IMDS ends with. */
export const INSTANCE_ROLE_RULES: readonly (Rule & { outcome: Outcome })[] = [
  {
    id: 'awsvpc-imds-blocked',
    statement:
      'With ECS_AWSVPC_BLOCK_IMDS=true the ENI plugin adds a blackhole route to 169.254.169.254 in an awsvpc task: no credentials at all',
    source: SOURCES.awsvpcBlockImds,
    when: (c) => c.network === 'awsvpc' && c.awsvpcBlockImdsFlag === 'true',
    outcome: 'NO_CREDENTIALS',
  },
  {
    id: 'imdsv1-only-sdk',
    statement:
      'aws-sdk 2.4.6 reads IMDS without a session token (IMDSv1); with HttpTokens=required (imdsOptions v2-*, the AL2023 default) IMDS answers 401: no credentials at all',
    source: `${SOURCES.imdsv2}; ${SOURCES.sdkMinimum}`,
    inferred: true,
    when: (c) => c.client === 'sdk-js-v2-2016' && !imdsV1Allowed(c),
    outcome: 'NO_CREDENTIALS',
  },
  {
    id: 'rules-flushed-forward-drop',
    statement:
      "After a flush only dockerd's FORWARD policy of DROP is left for bridge traffic: a bridge task reaches no IMDS either, no credentials at all",
    source: `${SOURCES.dockerForwardPolicy}; ${SOURCES.rulesFlushed}`,
    inferred: true,
    when: (c) => c.network === 'bridge' && endpointRulesFlushed(c),
    outcome: 'NO_CREDENTIALS',
  },
  {
    id: 'imds-blocked-forward',
    statement:
      "An IMDS drop inserted at the top of FORWARD blocks bridge tasks until dockerd restarts; then Docker's accept rules sit above it and the task reaches the instance role",
    source: SOURCES.forwardImdsRule,
    when: (c) => c.imds === 'blocked-forward' && bridgeImdsBlocked(c),
    outcome: 'NO_CREDENTIALS',
  },
  {
    id: 'imds-blocked-bridge',
    statement:
      'The documented DOCKER-USER rule blocks IMDS for bridge tasks (a dockerd restart keeps it first): no credentials at all',
    source: `${SOURCES.devGuideTaskRoles}; ${SOURCES.forwardImdsRule}`,
    when: (c) => c.imds === 'blocked' && bridgeImdsBlocked(c),
    outcome: 'NO_CREDENTIALS',
  },
  {
    id: 'hop-limit-tokens-required',
    statement:
      'With hop limit 1 the token PUT response never reaches a bridge task (docker0 is one routed hop more); botocore, aws-sdk v2 and SDK v3 then ask without a token, and HttpTokens=required answers 401: no credentials',
    source: `${SOURCES.imdsHopLimit}; ${SOURCES.imdsv2}`,
    // Two documented behaviours joined through each client's source (its retry without a token).
    inferred: true,
    when: (c) => tokenResponseCannotReachTask(c) && !imdsV1Allowed(c),
    outcome: 'NO_CREDENTIALS',
  },
  {
    id: 'task-proxy-hides-imds',
    statement:
      'botocore fetches IMDS through HTTP_PROXY; a proxy without NO_PROXY cannot reach 169.254.169.254: no credentials',
    source: SOURCES.sdkClients,
    inferred: true,
    when: (c) => c.taskProxy === 'without-no-proxy' && isBotocoreClient(c),
    outcome: 'NO_CREDENTIALS',
  },
  {
    id: 'task-proxy-hides-imds-go',
    statement:
      'aws-sdk-go v1 and v2 fetch IMDS through HTTP_PROXY too; a proxy without NO_PROXY cannot reach 169.254.169.254: no credentials',
    source: SOURCES.goSdkProxy,
    when: (c) => c.taskProxy === 'without-no-proxy' && isGoClient(c),
    outcome: 'NO_CREDENTIALS',
  },
  {
    id: 'instance-role-minimal',
    statement: 'The instance role (agent permissions only) is denied ecs:ListTasks: the seeds\' "Access Denied"',
    source: SOURCES.kbArticle,
    when: (c) => c.instanceRolePolicy === 'minimal',
    outcome: 'INSTANCE_ROLE_DENIED',
  },
  {
    id: 'instance-role-permissive',
    statement:
      'An instance role allowed ecs:ListTasks makes the call succeed with the wrong identity (security finding)',
    source: SOURCES.kbArticle,
    when: () => true,
    outcome: 'INSTANCE_ROLE_LEAK',
  },
];

/** A metadata rule: what a process reading IMDS for its own metadata gets (`process: imds-metadata-reader`). */
export interface MetadataRule extends Omit<Rule, 'outcome'> {
  result: ImdsMetadataResult;
}

/**
 * What the X-Ray daemon or the CloudWatch agent in the task gets when it reads region and instance id from
 * IMDS (a token first, then without one), beside its task-role credentials: evaluated along the path its
 * requests take (the task's network, the instance's rules, the hop limit). The first match decides.
 */
export const METADATA_RULES: readonly MetadataRule[] = [
  {
    id: 'metadata-awsvpc-imds-blocked',
    statement:
      'With ECS_AWSVPC_BLOCK_IMDS=true an awsvpc task has a blackhole route to 169.254.169.254: its metadata read fails at once, whatever its credentials',
    source: SOURCES.awsvpcBlockImds,
    when: (c) => c.network === 'awsvpc' && c.awsvpcBlockImdsFlag === 'true',
    result: 'failed',
  },
  {
    id: 'metadata-awsvpc-eni',
    statement:
      "An awsvpc task reaches IMDS through its own ENI on the subnet: no DOCKER-USER rule and no routed hop for the token's hop limit, so it reads region and instance id with a token",
    source: `${SOURCES.awsvpcCredentials}; ${SOURCES.imdsMetadataReader}`,
    inferred: true,
    when: (c) => c.network === 'awsvpc',
    result: 'read',
  },
  {
    id: 'metadata-host-network',
    statement:
      "A host-mode task is the instance's own network: the token response reaches it with hop limit 1, and the docker0 IMDS rules do not apply; it reads its metadata",
    source: SOURCES.imdsMetadataReader,
    when: (c) => c.network === 'host',
    result: 'read',
  },
  {
    id: 'metadata-bridge-imds-blocked',
    statement:
      "A bridge task behind the documented DOCKER-USER drop (or a FORWARD drop dockerd has not pushed down, or a flush that left Docker's FORWARD policy DROP) gets no answer from IMDS: no region, no instance id, though its task-role credentials work",
    source: `${SOURCES.imdsMetadataReader}; ${SOURCES.forwardImdsRule}`,
    when: bridgeImdsBlocked,
    result: 'failed',
  },
  {
    id: 'metadata-bridge-hop-limit-tokens-required',
    statement:
      'With hop limit 1 the token response never reaches a bridge task; the reader asks without a token and HttpTokens=required answers 401: no metadata',
    source: `${SOURCES.imdsMetadataReader}; ${SOURCES.imdsHopLimit}`,
    // The hop limit and the 401 are documented; that the reader then asks without a token is its client's source.
    inferred: true,
    when: (c) => tokenResponseCannotReachTask(c) && !imdsV1Allowed(c),
    result: 'failed',
  },
  {
    id: 'metadata-bridge-hop-limit-v1-fallback',
    statement:
      'With hop limit 1 and tokens optional the token request times out and the reader reads its metadata without a token (IMDSv1)',
    source: `${SOURCES.imdsMetadataReader}; ${SOURCES.imdsHopLimit}`,
    inferred: true,
    when: tokenResponseCannotReachTask,
    result: 'read',
  },
  {
    id: 'metadata-readable',
    statement: 'A bridge task with IMDS reachable and hop limit 2 gets a token and reads region and instance id',
    source: SOURCES.imdsMetadataReader,
    when: () => true,
    result: 'read',
  },
];
