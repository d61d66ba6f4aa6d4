import { expect, test } from '@playwright/test';
import { classify } from './classify.ts';
import type { CellEvidence } from './evidence.ts';

const ACCOUNT = '123456789012';
const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/etr-run1-task-ecs-tasks-list-tasks`;
const INSTANCE_ROLE = `arn:aws:iam::${ACCOUNT}:role/etr-run1-instance-minimal`;
const TASK_CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/etr-run1-task-ecs-tasks-list-tasks/3f1c0d2e9a`;
const INSTANCE_CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/etr-run1-instance-minimal/i-0abc123def4567890`;

// Real client output (measured with the clients, and their own error formats).
const CLI_IDENTITY = (arn: string) => [
  '{',
  '    "UserId": "AROAEXAMPLE:session",',
  `    "Account": "${ACCOUNT}",`,
  `    "Arn": "${arn}"`,
  '}',
];
const CLI_LIST_TASKS = [
  '{',
  '    "taskArns": [',
  `        "arn:aws:ecs:us-west-2:${ACCOUNT}:task/c/d48feb62"`,
  '    ]',
  '}',
];
const CLI_DENIED = (arn: string) =>
  `An error occurred (AccessDeniedException) when calling the ListTasks operation: User: ${arn} is not authorized to perform: ecs:ListTasks on resource: * because no identity-based policy allows the ecs:ListTasks action`;
const SDK_IDENTITY = (arn: string) => `{"UserId":"AROAEXAMPLE:s","Account":"${ACCOUNT}","Arn":"${arn}"}`;
const SDK_DENIED = (arn: string) => `AccessDeniedException: User: ${arn} is not authorized to perform: ecs:ListTasks`;
const CLI_V1_REFUSED =
  'Error when retrieving credentials from container-role: Error retrieving metadata: Received error when attempting to retrieve container metadata: Could not connect to the endpoint URL: "http://169.254.170.2/v2/credentials/0f3e"';
const CLI_V2_DROPPED =
  'Error when retrieving credentials from container-role: Error retrieving metadata: Received error when attempting to retrieve ECS metadata: Connect timeout on endpoint URL: "http://169.254.170.2/v2/credentials/0f3e"';
const CLI_V1_429 =
  'Error when retrieving credentials from container-role: Error retrieving metadata: Received non 200 response 429 from container metadata: You have reached maximum request limit.';
const CLI_V2_429 =
  'Error when retrieving credentials from container-role: Error retrieving metadata: Received non 200 response (429) from ECS metadata: You have reached maximum request limit.';
const UNABLE = 'Unable to locate credentials. You can configure credentials by running "aws configure".';
const SDK_V3_NONE = 'CredentialsProviderError: Could not load credentials from any providers';
// aws-sdk-go 1.44 and aws-sdk-go-v2 (config 1.17) with their request for 169.254.170.2 sent to a proxy that
// answered 500 with an empty body (the Go programs of fixtures/go-client, built from Debian's packages).
const GO_V1_NONE = 'NoCredentialProviders: no valid providers in chain. Deprecated.';
const GO_V2_PROXIED =
  'operation error STS: GetCallerIdentity, failed to sign request: failed to retrieve credentials: failed to refresh cached credentials, failed to load credentials, deserialization failed, failed to decode error message, EOF';
const SDK_V2_MISSING =
  'CredentialsError: Missing credentials in config, if using AWS_CONFIG_FILE, set AWS_SDK_LOAD_CONFIG=1';
const SDK_V2_IMDS = 'CredentialsError: EC2 Metadata roleName request returned error';
const ASSUME_REFUSED = `ECS was unable to assume the role '${TASK_ROLE}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`;

const evidence = (over: Partial<CellEvidence>): CellEvidence => ({
  logLines: [],
  failures: [],
  taskRoleArn: TASK_ROLE,
  instanceRoleArn: INSTANCE_ROLE,
  exitCode: 0,
  ...over,
});

const CASES: [string, Partial<CellEvidence>, string, string | RegExp][] = [
  [
    'CLI: task role, list-tasks succeeded',
    { logLines: [...CLI_IDENTITY(TASK_CALLER), ...CLI_LIST_TASKS] },
    'TASK_ROLE',
    `caller ${TASK_CALLER}`,
  ],
  [
    'SDK: task role, list-tasks succeeded',
    { logLines: [SDK_IDENTITY(TASK_CALLER), '{"taskArns":[]}'] },
    'TASK_ROLE',
    `caller ${TASK_CALLER}`,
  ],
  [
    'CLI: task role denied',
    { logLines: [...CLI_IDENTITY(TASK_CALLER), CLI_DENIED(TASK_CALLER)], exitCode: 254 },
    'TASK_ROLE_DENIED',
    CLI_DENIED(TASK_CALLER),
  ],
  [
    "CLI: instance role denied (the seeds' symptom)",
    { logLines: [...CLI_IDENTITY(INSTANCE_CALLER), CLI_DENIED(INSTANCE_CALLER)] },
    'INSTANCE_ROLE_DENIED',
    CLI_DENIED(INSTANCE_CALLER),
  ],
  [
    'SDK: instance role denied, identity from the denial only',
    { logLines: [SDK_DENIED(INSTANCE_CALLER)] },
    'INSTANCE_ROLE_DENIED',
    SDK_DENIED(INSTANCE_CALLER),
  ],
  [
    'instance role succeeded: leak',
    { logLines: [...CLI_IDENTITY(INSTANCE_CALLER), ...CLI_LIST_TASKS] },
    'INSTANCE_ROLE_LEAK',
    `caller ${INSTANCE_CALLER}`,
  ],
  [
    'task role unset: the instance identity still classifies',
    { taskRoleArn: undefined, logLines: [SDK_IDENTITY(INSTANCE_CALLER), SDK_DENIED(INSTANCE_CALLER)] },
    'INSTANCE_ROLE_DENIED',
    /not authorized/,
  ],
  ['CLI v1: endpoint refused', { logLines: [CLI_V1_REFUSED], exitCode: 255 }, 'ENDPOINT_ERROR', CLI_V1_REFUSED],
  ['CLI v2: endpoint dropped', { logLines: [CLI_V2_DROPPED], exitCode: 253 }, 'ENDPOINT_ERROR', CLI_V2_DROPPED],
  ['CLI v1: throttled 429', { logLines: [CLI_V1_429] }, 'ENDPOINT_ERROR', CLI_V1_429],
  ['CLI v2: throttled (429)', { logLines: [CLI_V2_429] }, 'ENDPOINT_ERROR', CLI_V2_429],
  [
    'burst line with throttled fetches wins over a later success',
    {
      logLines: ['burst: 20 fetches, 19 throttled (429), 0 errors', ...CLI_IDENTITY(TASK_CALLER), ...CLI_LIST_TASKS],
    },
    'ENDPOINT_ERROR',
    'burst: 20 fetches, 19 throttled (429), 0 errors',
  ],
  [
    'burst without throttling is not an error',
    {
      logLines: ['burst: 20 fetches, 0 throttled (429), 0 errors', ...CLI_IDENTITY(TASK_CALLER), ...CLI_LIST_TASKS],
    },
    'TASK_ROLE',
    /caller/,
  ],
  [
    'SDK v3 with the variable set: endpoint failed',
    { logLines: ['container-credentials-variable: set', SDK_V3_NONE] },
    'ENDPOINT_ERROR',
    /Could not load credentials.*variable was set/,
  ],
  [
    'SDK v3 without the variable: no credentials',
    { logLines: ['container-credentials-variable: unset', SDK_V3_NONE] },
    'NO_CREDENTIALS',
    SDK_V3_NONE,
  ],
  [
    'aws-sdk-go v1 with the variable set: endpoint failed',
    {
      logLines: [
        'container-credentials-variable: set',
        GO_V1_NONE,
        '\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors',
      ],
    },
    'ENDPOINT_ERROR',
    /NoCredentialProviders.*variable was set/,
  ],
  [
    'aws-sdk-go v1 without the variable: no credentials',
    { logLines: ['container-credentials-variable: unset', GO_V1_NONE] },
    'NO_CREDENTIALS',
    GO_V1_NONE,
  ],
  [
    'aws-sdk-go-v2 through a proxy: endpoint failed',
    { logLines: ['container-credentials-variable: set', GO_V2_PROXIED] },
    'ENDPOINT_ERROR',
    /failed to refresh cached credentials.*variable was set/,
  ],
  [
    'RunTask refused for lack of iam:PassRole on the task role',
    {
      runTaskRefusal:
        'AccessDeniedException: User: arn:aws:iam::123456789012:user/ecs-taskrole-harness is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/ecs-taskrole/ecs-taskrole-r1-unpassable-ecs-tasks-list-tasks because no identity-based policy allows the iam:PassRole action',
    },
    'ROLE_NOT_ASSUMABLE',
    /RunTask refused: .*iam:PassRole/,
  ],
  ['CLI: unable to locate credentials', { logLines: [UNABLE, UNABLE], exitCode: 255 }, 'NO_CREDENTIALS', UNABLE],
  ['aws-sdk v2: missing credentials', { logLines: [SDK_V2_MISSING] }, 'NO_CREDENTIALS', SDK_V2_MISSING],
  ['aws-sdk v2: IMDS failed', { logLines: [SDK_V2_IMDS] }, 'NO_CREDENTIALS', SDK_V2_IMDS],
  [
    'RunTask ATTRIBUTE failure',
    { failures: [{ arn: 'arn:ci', reason: 'ATTRIBUTE' }] },
    'NOT_PLACED',
    'RunTask failure: ATTRIBUTE',
  ],
  [
    "RunTask RESOURCE failure is the harness's problem",
    { failures: [{ reason: 'RESOURCE:MEMORY' }] },
    'INFRA_ERROR',
    /RESOURCE:MEMORY/,
  ],
  [
    'instance never registered',
    { instanceNotRegistered: 'i-1 never registered within 120 s' },
    'NOT_PLACED',
    'i-1 never registered within 120 s',
  ],
  ['trust policy refused', { stoppedReason: ASSUME_REFUSED }, 'ROLE_NOT_ASSUMABLE', ASSUME_REFUSED],
  [
    'trust policy refused by RunTask itself (no task)',
    { runTaskRefusal: `ClientException: ${ASSUME_REFUSED}` },
    'ROLE_NOT_ASSUMABLE',
    `RunTask refused: ClientException: ${ASSUME_REFUSED}`,
  ],
  [
    'another RunTask refusal is the harness problem, with its text',
    { runTaskRefusal: 'AccessDeniedException: User: x is not authorized to perform: iam:PassRole' },
    'INFRA_ERROR',
    'RunTask refused: AccessDeniedException: User: x is not authorized to perform: iam:PassRole',
  ],
  [
    'trust policy refused in a service event',
    {
      serviceEvents: [
        '(service cell) has started 1 tasks',
        `(service cell) failed to launch a task: ${ASSUME_REFUSED}`,
      ],
    },
    'ROLE_NOT_ASSUMABLE',
    `(service cell) failed to launch a task: ${ASSUME_REFUSED}`,
  ],
  ['time limit', { timedOut: true, logLines: ['still waiting'] }, 'TIMEOUT', /last output: still waiting/],
  ['harness error', { harnessError: 'RegisterTaskDefinition: 500' }, 'INFRA_ERROR', 'RegisterTaskDefinition: 500'],
  [
    'unknown identity',
    { logLines: [SDK_IDENTITY(`arn:aws:sts::${ACCOUNT}:assumed-role/Other/x`), '{"taskArns":[]}'] },
    'INFRA_ERROR',
    /neither the task role nor the instance role/,
  ],
  [
    'identity but no result of list-tasks',
    { logLines: [...CLI_IDENTITY(TASK_CALLER)] },
    'INFRA_ERROR',
    /neither result nor denial/,
  ],
  [
    'unrecognised output keeps the text',
    { logLines: ['Segmentation fault'], exitCode: 139 },
    'INFRA_ERROR',
    'unrecognised output: Segmentation fault',
  ],
  ['no output at all', { exitCode: 1 }, 'INFRA_ERROR', 'unrecognised output: no output (exit code 1)'],
];

for (const [name, over, outcome, decidedBy] of CASES) {
  test(`${name} → ${outcome}`, () => {
    const result = classify(evidence(over));
    expect(result.outcome).toBe(outcome);
    if (typeof decidedBy === 'string') expect(result.evidence.decidedBy).toBe(decidedBy);
    else expect(result.evidence.decidedBy).toMatch(decidedBy);
  });
}

test('the caller ARN is kept as evidence', () => {
  expect(classify(evidence({ logLines: [...CLI_IDENTITY(TASK_CALLER), ...CLI_LIST_TASKS] })).evidence.callerArn).toBe(
    TASK_CALLER,
  );
});

test('a role with a path matches its assumed-role ARN', () => {
  const result = classify(
    evidence({
      taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/ci/etr-run1-task-ecs-tasks-list-tasks`,
      logLines: [SDK_IDENTITY(TASK_CALLER), '{"taskArns":[]}'],
    }),
  );
  expect(result.outcome).toBe('TASK_ROLE');
});
