import { expect, test } from '@playwright/test';
import { makeCell } from '../matrix/cell.ts';
import { DEFAULT_BASELINE, type PartialDimensions } from '../matrix/dimensions.ts';
import { CREDENTIAL_RULES, INSTANCE_ROLE_RULES, METADATA_RULES } from './conformance-rules.ts';
import { expectationFor } from './expect.ts';

const expectFor = (partial: PartialDimensions) => expectationFor(makeCell({ ...DEFAULT_BASELINE, ...partial }));

// One case per rule: the configuration, the outcome and the chain of rules that decide it.
const CASES: [PartialDimensions, string, string[]][] = [
  [{}, 'TASK_ROLE', ['known-good']],
  [{ agentProxy: 'without-no-proxy' }, 'NOT_PLACED', ['agent-proxy-without-no-proxy']],
  [{ taskIamRoleFlag: 'false' }, 'NOT_PLACED', ['task-iam-role-flag-off']],
  [{ network: 'host', networkHostFlag: 'false' }, 'NOT_PLACED', ['network-host-flag-off']],
  [{ network: 'awsvpc', networkHostFlag: 'false' }, 'TASK_ROLE', ['awsvpc-task-role']],
  [{ network: 'awsvpc', ami: 'al2023-plain' }, 'NOT_PLACED', ['awsvpc-without-task-eni']],
  [
    { network: 'awsvpc', taskRole: 'unset', imds: 'blocked' },
    'INSTANCE_ROLE_DENIED',
    ['task-role-unset', 'instance-role-minimal'],
  ],
  [
    { network: 'awsvpc', taskRole: 'unset', awsvpcBlockImdsFlag: 'true' },
    'NO_CREDENTIALS',
    ['task-role-unset', 'awsvpc-imds-blocked'],
  ],
  [{ trust: 'ec2' }, 'ROLE_NOT_ASSUMABLE', ['trust-not-ecs-tasks']],
  [{ passRole: 'not-allowed' }, 'ROLE_NOT_ASSUMABLE', ['caller-cannot-pass-role']],
  [{ instanceRoleTrust: 'ecs-tasks' }, 'NOT_PLACED', ['instance-role-not-assumable-by-ec2']],
  [{ taskMemory: 'seed' }, 'TASK_ROLE', ['seed-memory-holds-the-call']],
  [{ taskRole: 'unset' }, 'INSTANCE_ROLE_DENIED', ['task-role-unset', 'instance-role-minimal']],
  [{ client: 'sdk-js-v2-2016' }, 'NO_CREDENTIALS', ['sdk-before-container-credentials', 'imdsv1-only-sdk']],
  [{ process: 'env-reset-child' }, 'INSTANCE_ROLE_DENIED', ['env-reset-child', 'instance-role-minimal']],
  [
    { process: 'sibling-container' },
    'INSTANCE_ROLE_DENIED',
    ['sibling-container-without-credentials-variable', 'instance-role-minimal'],
  ],
  [
    { process: 'sibling-container', imds: 'blocked' },
    'NO_CREDENTIALS',
    ['sibling-container-without-credentials-variable', 'imds-blocked-bridge'],
  ],
  [{ process: 'sibling-container-env-forwarded' }, 'TASK_ROLE', ['sibling-container-env-forwarded']],
  [{ ami: 'al2023-plain', hostRules: 'none' }, 'ENDPOINT_ERROR', ['endpoint-unreachable']],
  [
    { ami: 'al2023-plain', hostRules: 'none', client: 'sdk-js-v2' },
    'INSTANCE_ROLE_DENIED',
    ['endpoint-unreachable-sdk-v2-fallback', 'instance-role-minimal'],
  ],
  [{ ami: 'al2023-plain', hostRules: 'documented-rebooted' }, 'ENDPOINT_ERROR', ['saved-rules-lose-route-localnet']],
  [{ ami: 'al2023-plain', hostRules: 'documented-rebooted', network: 'host' }, 'TASK_ROLE', ['known-good']],
  [{ rpsLimit: '1,1', load: 'burst' }, 'ENDPOINT_ERROR', ['rps-limit-throttles-burst']],
  [{ load: 'burst' }, 'TASK_ROLE', ['known-good']],
  [{ load: 'above-default-burst' }, 'ENDPOINT_ERROR', ['rps-limit-throttles-burst']],
  [{ load: 'above-default-burst', rpsLimit: '100,500' }, 'TASK_ROLE', ['known-good']],
  [{ hostFirewall: 'input-drop' }, 'ENDPOINT_ERROR', ['input-policy-drop']],
  [{ hostFirewall: 'input-drop', network: 'awsvpc' }, 'ENDPOINT_ERROR', ['input-policy-drop']],
  [{ hostFirewall: 'input-drop', network: 'host' }, 'TASK_ROLE', ['known-good']],
  [{ hostFirewall: 'input-drop-agent-ports' }, 'TASK_ROLE', ['known-good']],
  [
    { hostFirewall: 'input-drop', client: 'sdk-js-v2' },
    'INSTANCE_ROLE_DENIED',
    ['endpoint-unreachable-sdk-v2-fallback', 'instance-role-minimal'],
  ],
  [{ afterBoot: 'rules-flushed' }, 'ENDPOINT_ERROR', ['rules-flushed-while-agent-runs']],
  [{ afterBoot: 'rules-flushed', network: 'host' }, 'ENDPOINT_ERROR', ['rules-flushed-while-agent-runs']],
  [
    { afterBoot: 'rules-flushed', taskRole: 'unset' },
    'NO_CREDENTIALS',
    ['task-role-unset', 'rules-flushed-forward-drop'],
  ],
  [
    { afterBoot: 'rules-flushed', taskRole: 'unset', network: 'host' },
    'INSTANCE_ROLE_DENIED',
    ['task-role-unset', 'instance-role-minimal'],
  ],
  [{ afterBoot: 'docker-restarted' }, 'TASK_ROLE', ['known-good']],
  [
    { ami: 'al2023-plain', agentInstall: 'ecs-init-package', hostRules: 'none' },
    'TASK_ROLE',
    ['ecs-init-package-on-plain-ami'],
  ],
  [
    { ami: 'al2023-plain', agentInstall: 'ecs-init-package', hostRules: 'none', network: 'awsvpc' },
    'TASK_ROLE',
    ['awsvpc-task-role'],
  ],
  [{ imds: 'blocked-forward', taskRole: 'unset' }, 'NO_CREDENTIALS', ['task-role-unset', 'imds-blocked-forward']],
  [
    { imds: 'blocked-forward', taskRole: 'unset', afterBoot: 'docker-restarted' },
    'INSTANCE_ROLE_DENIED',
    ['task-role-unset', 'instance-role-minimal'],
  ],
  [
    { imds: 'blocked', taskRole: 'unset', afterBoot: 'docker-restarted' },
    'NO_CREDENTIALS',
    ['task-role-unset', 'imds-blocked-bridge'],
  ],
  [{ taskRolePolicy: 'none' }, 'TASK_ROLE_DENIED', ['task-role-lacks-permission']],
  [
    { client: 'sdk-go-v1', taskProxy: 'with-no-proxy-imds-only' },
    'ENDPOINT_ERROR',
    ['task-proxy-takes-container-credentials'],
  ],
  [{ client: 'sdk-go-v2', taskProxy: 'with-no-proxy' }, 'TASK_ROLE', ['known-good']],
  [{ client: 'awscli-v2', taskProxy: 'with-no-proxy-imds-only' }, 'TASK_ROLE', ['known-good']],
  [
    { client: 'sdk-go-v2', taskProxy: 'without-no-proxy', taskRole: 'unset' },
    'NO_CREDENTIALS',
    ['task-role-unset', 'task-proxy-hides-imds-go'],
  ],
  [{ taskRolePolicy: 'on-execution-role' }, 'TASK_ROLE_DENIED', ['permission-on-execution-role']],
  [{ taskRole: 'unset', imds: 'blocked' }, 'NO_CREDENTIALS', ['task-role-unset', 'imds-blocked-bridge']],
  [{ taskRole: 'unset', imdsOptions: 'v2-hop1' }, 'NO_CREDENTIALS', ['task-role-unset', 'hop-limit-tokens-required']],
  [
    { taskRole: 'unset', taskProxy: 'without-no-proxy' },
    'NO_CREDENTIALS',
    ['task-role-unset', 'task-proxy-hides-imds'],
  ],
  [
    { taskRole: 'unset', instanceRolePolicy: 'list-tasks' },
    'INSTANCE_ROLE_LEAK',
    ['task-role-unset', 'instance-role-permissive'],
  ],
];

for (const [partial, outcome, chain] of CASES) {
  test(`${JSON.stringify(partial)} → ${outcome} by ${chain.join(' → ')}`, () => {
    const expectation = expectFor(partial);
    expect(expectation.outcome).toBe(outcome);
    expect(expectation.chain).toEqual(chain);
    expect(expectation.rule).toBe(chain.at(-1));
  });
}

test('every rule is reached by at least one case', () => {
  const reached = new Set(CASES.flatMap(([, , chain]) => chain));
  for (const rule of [...CREDENTIAL_RULES, ...INSTANCE_ROLE_RULES]) expect(reached, rule.id).toContain(rule.id);
});

test('the documented rules on a plain AMI behave like an ECS-optimized one', () => {
  expect(expectFor({ ami: 'al2023-plain' }).outcome).toBe('TASK_ROLE');
});

test('without route_localnet bridge fails and host works', () => {
  expect(expectFor({ ami: 'al2023-plain', hostRules: 'no-route-localnet' }).outcome).toBe('ENDPOINT_ERROR');
  expect(expectFor({ ami: 'al2023-plain', hostRules: 'no-route-localnet', network: 'host' }).outcome).toBe('TASK_ROLE');
});

test('a malformed rps limit means the default 40,60, which a burst stays under', () => {
  expect(expectFor({ rpsLimit: 'not-a-limit', load: 'burst' }).outcome).toBe('TASK_ROLE');
  expect(expectFor({ rpsLimit: '0,0', load: 'burst' }).outcome).toBe('TASK_ROLE');
});

test('the IMDS block does not affect host-mode tasks', () => {
  expect(expectFor({ taskRole: 'unset', imds: 'blocked', network: 'host' }).outcome).toBe('INSTANCE_ROLE_DENIED');
});

test('a task proxy does not hide IMDS from Node SDKs (they ignore proxy variables)', () => {
  expect(expectFor({ taskRole: 'unset', taskProxy: 'without-no-proxy', client: 'sdk-js-v3' }).outcome).toBe(
    'INSTANCE_ROLE_DENIED',
  );
});

test('IMDS options decide only where the client falls back to IMDS, and the hop limit only for bridge tasks', () => {
  const outcome = (partial: PartialDimensions) => expectFor(partial).outcome;
  // The task role comes through 169.254.170.2: IMDS options do not matter.
  expect(outcome({ imdsOptions: 'v2-hop1' })).toBe('TASK_ROLE');
  for (const client of ['awscli-v2', 'awscli-v1', 'sdk-js-v3', 'sdk-js-v2'] as const) {
    // The PUT times out, the token-less retry succeeds with tokens optional.
    expect(outcome({ taskRole: 'unset', imdsOptions: 'v1-hop1', client })).toBe('INSTANCE_ROLE_DENIED');
    expect(outcome({ taskRole: 'unset', imdsOptions: 'v2-hop1', client })).toBe('NO_CREDENTIALS');
    // Host mode gets the token at hop limit 1.
    expect(outcome({ taskRole: 'unset', imdsOptions: 'v2-hop1', client, network: 'host' })).toBe(
      'INSTANCE_ROLE_DENIED',
    );
  }
  // aws-sdk 2.4.6 never asks for a token: only HttpTokens matters to it.
  for (const imdsOptions of ['v1-hop1', 'v1-hop2'] as const) {
    expect(outcome({ taskRole: 'unset', imdsOptions, client: 'sdk-js-v2-2016' })).toBe('INSTANCE_ROLE_DENIED');
  }
  expect(outcome({ taskRole: 'unset', imdsOptions: 'v2-hop1', client: 'sdk-js-v2-2016', network: 'host' })).toBe(
    'NO_CREDENTIALS',
  );
});

test('inferred rules are marked, and every expectation names its source', () => {
  const inferred = expectFor({ network: 'host', networkHostFlag: 'false' });
  expect(inferred.inferred).toBe(true);
  expect(expectFor({}).inferred).toBe(false);
  expect(expectFor({ taskRole: 'unset' }).source).toContain('task.go');
});

test('a matrix override wins over the rules, first match first', () => {
  const cell = makeCell({ ...DEFAULT_BASELINE, network: 'host' });
  const expectation = expectationFor(cell, [
    { id: 'expect[0]', when: { network: 'bridge' }, outcome: 'NOT_PLACED', because: 'no' },
    { id: 'expect[1]', when: { network: 'host' }, outcome: 'INSTANCE_ROLE_DENIED', because: 'site AMI' },
    { id: 'expect[2]', when: {}, outcome: 'TASK_ROLE', because: 'later' },
  ]);
  expect(expectation).toMatchObject({
    outcome: 'INSTANCE_ROLE_DENIED',
    rule: 'expect[1]',
    statement: 'site AMI',
  });
});

// A process reading IMDS for its own metadata: its credentials outcome, and what the metadata read gets.
const READER = { process: 'imds-metadata-reader' } as const;
const METADATA_CASES: [PartialDimensions, 'read' | 'failed', string][] = [
  [{}, 'read', 'metadata-readable'],
  [{ imds: 'blocked' }, 'failed', 'metadata-bridge-imds-blocked'],
  [{ imds: 'blocked-forward' }, 'failed', 'metadata-bridge-imds-blocked'],
  [{ imds: 'blocked-forward', afterBoot: 'docker-restarted' }, 'read', 'metadata-readable'],
  [{ afterBoot: 'rules-flushed' }, 'failed', 'metadata-bridge-imds-blocked'],
  [{ imdsOptions: 'v2-hop1' }, 'failed', 'metadata-bridge-hop-limit-tokens-required'],
  [{ imdsOptions: 'v1-hop1' }, 'read', 'metadata-bridge-hop-limit-v1-fallback'],
  [{ imdsOptions: 'v2-hop1', network: 'host' }, 'read', 'metadata-host-network'],
  [{ imds: 'blocked', network: 'host' }, 'read', 'metadata-host-network'],
  [{ imdsOptions: 'v2-hop1', network: 'awsvpc' }, 'read', 'metadata-awsvpc-eni'],
  [{ imds: 'blocked', network: 'awsvpc' }, 'read', 'metadata-awsvpc-eni'],
  [{ network: 'awsvpc', awsvpcBlockImdsFlag: 'true' }, 'failed', 'metadata-awsvpc-imds-blocked'],
];

for (const [partial, result, rule] of METADATA_CASES) {
  test(`imds-metadata-reader ${JSON.stringify(partial)}: metadata ${result} by ${rule}, credentials unchanged`, () => {
    const expectation = expectFor({ ...READER, ...partial });
    expect(expectation.imdsMetadata).toMatchObject({ result, rule });
    expect(expectation.imdsMetadata?.source.length).toBeGreaterThan(0);
    // The metadata read never changes the credentials outcome: the reader's own process still has its role.
    expect(expectation.outcome).toBe(expectFor(partial).outcome);
  });
}

test('every metadata rule is reached; only imds-metadata-reader cells expect a metadata read', () => {
  const reached = new Set(METADATA_CASES.map(([, , rule]) => rule));
  for (const rule of METADATA_RULES) expect(reached, rule.id).toContain(rule.id);
  expect(expectFor({}).imdsMetadata).toBeUndefined();
  expect(expectFor({ process: 'sibling-container', imds: 'blocked' }).imdsMetadata).toBeUndefined();
});

test("a matrix override sets the outcome only: the metadata expectation stays the rules'", () => {
  const cell = makeCell({ ...DEFAULT_BASELINE, ...READER, imdsOptions: 'v2-hop1' });
  const expectation = expectationFor(cell, [{ id: 'expect[0]', when: {}, outcome: 'NOT_PLACED', because: 'site' }]);
  expect(expectation).toMatchObject({ outcome: 'NOT_PLACED', imdsMetadata: { result: 'failed' } });
});
