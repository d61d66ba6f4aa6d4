import { expect, test } from '@playwright/test';
import type { PartialDimensions } from '../matrix/dimensions.ts';
import type { Outcome } from '../outcome.ts';
import { cellWith } from '../testing/cell-fixture.ts';
import { cellPattern, diagnose } from './diagnose.ts';

const ids = (partial: PartialDimensions, outcome?: Outcome) =>
  diagnose(cellWith(partial, outcome)).items.map((item) => item.id);
const commands = (partial: PartialDimensions, outcome?: Outcome) =>
  diagnose(cellWith(partial, outcome)).items.flatMap((item) => item.commands);

test.describe('diagnosis table: one case per entry', () => {
  test('INFRA_ERROR → rerun the cell, no configuration advice', () => {
    expect(ids({}, 'INFRA_ERROR')).toEqual(['harness-failed']);
    expect(commands({}, 'INFRA_ERROR')).toEqual(["npx ecs-taskrole run --grep '^baseline$'"]);
  });
  test('TIMEOUT → rerun with a longer limit', () => expect(ids({}, 'TIMEOUT')).toEqual(['cell-timed-out']));
  test('TASK_ROLE → nothing to fix', () => expect(ids({})).toEqual(['working']));

  test('agent proxy without NO_PROXY → add NO_PROXY and restart (AL2023 systemd)', () => {
    expect(ids({ agentProxy: 'without-no-proxy' })).toEqual(['agent-proxy-without-no-proxy']);
    expect(commands({ agentProxy: 'without-no-proxy' })).toEqual([
      "echo 'NO_PROXY=169.254.169.254,169.254.170.2,/var/run/docker.sock' | sudo tee -a /etc/ecs/ecs.config",
      'sudo systemctl restart ecs',
    ]);
  });
  test('flag off → enable the flag and restart the agent; AL1 uses upstart', () => {
    expect(ids({ taskIamRoleFlag: 'false' })).toEqual(['task-iam-role-flag-off']);
    expect(commands({ taskIamRoleFlag: 'false', ami: 'al1-ecs' })).toEqual([
      "echo 'ECS_ENABLE_TASK_IAM_ROLE=true' | sudo tee -a /etc/ecs/ecs.config",
      'sudo stop ecs',
      'sudo start ecs',
    ]);
  });
  test('host mode without its flag → enable the network-host flag', () => {
    expect(ids({ network: 'host', networkHostFlag: 'false' })).toEqual(['network-host-flag-off']);
  });
  test('NOT_PLACED with no known cause → confirm the agent is running (fallback)', () => {
    expect(ids({}, 'NOT_PLACED')).toEqual(['agent-not-running']);
    expect(commands({ ami: 'al2-ecs' }, 'NOT_PLACED')).toEqual(['docker ps', 'sudo systemctl status ecs']);
  });
  test('ROLE_NOT_ASSUMABLE → fix the trust principal of the role named in the task definition', () => {
    const cell = cellWith({ trust: 'ec2' }, undefined, { taskRoleArn: 'arn:aws:iam::123456789012:role/team/etr-task' });
    const [item] = diagnose(cell).items;
    expect(item?.id).toBe('trust-principal');
    expect(item?.commands.join('\n')).toContain('"Service": "ecs-tasks.amazonaws.com"');
    expect(item?.commands.at(-1)).toBe(
      'aws iam update-assume-role-policy --role-name etr-task --policy-document file://trust.json',
    );
  });
  test('throttled burst → raise ECS_TASK_METADATA_RPS_LIMIT', () => {
    expect(ids({ rpsLimit: '1,1', load: 'burst' })).toEqual(['credentials-endpoint-throttled']);
  });
  test('400 fetches against the default limit → reuse the client, raise the limit above the peak', () => {
    expect(ids({ load: 'above-default-burst' }, 'ENDPOINT_ERROR')).toEqual(['credentials-endpoint-throttled-default']);
    expect(commands({ load: 'above-default-burst' }, 'ENDPOINT_ERROR')).toContain(
      "echo 'ECS_TASK_METADATA_RPS_LIMIT=100,500' | sudo tee -a /etc/ecs/ecs.config",
    );
  });
  test('hardened INPUT policy → accept the agent port after the DNAT, saved; host mode is not it', () => {
    expect(ids({ hostFirewall: 'input-drop' }, 'ENDPOINT_ERROR')).toEqual(['host-input-policy-drop']);
    expect(commands({ hostFirewall: 'input-drop' }, 'ENDPOINT_ERROR')).toContain(
      'sudo iptables -I INPUT -p tcp -d 127.0.0.1 --dport 51679 -j ACCEPT',
    );
    expect(ids({ hostFirewall: 'input-drop', network: 'host' }, 'ENDPOINT_ERROR')).toEqual(['endpoint-failed']);
  });
  test('rules flushed → restart docker and the agent (ECS AMI) or add the rules again (plain AMI)', () => {
    expect(ids({ afterBoot: 'rules-flushed' }, 'ENDPOINT_ERROR')).toEqual(['rules-flushed-while-agent-runs']);
    expect(commands({ afterBoot: 'rules-flushed' }, 'ENDPOINT_ERROR')).toContain('sudo systemctl restart ecs');
    expect(commands({ afterBoot: 'rules-flushed', ami: 'al2023-plain' }, 'ENDPOINT_ERROR')).toContain(
      'sudo iptables -t nat -A PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
    );
  });
  test('IMDS drop in FORWARD after a dockerd restart → move it into DOCKER-USER', () => {
    const cell = { imds: 'blocked-forward', afterBoot: 'docker-restarted', taskRole: 'unset' } as const;
    expect(ids(cell, 'INSTANCE_ROLE_DENIED')).toEqual(['imds-drop-in-forward', 'task-role-unset']);
    expect(commands(cell, 'INSTANCE_ROLE_DENIED')).toContain(
      'sudo iptables --insert DOCKER-USER 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP',
    );
  });
  test('plain AMI without route_localnet → the sysctl, made permanent', () => {
    expect(ids({ ami: 'al2023-plain', hostRules: 'no-route-localnet' }, 'ENDPOINT_ERROR')).toEqual([
      'route-localnet-missing',
    ]);
  });
  test('plain AMI, rules not saved → add and save the iptables rules (systemd save command)', () => {
    expect(ids({ ami: 'al2023-plain', hostRules: 'not-saved-rebooted' })).toEqual(['iptables-rules-not-saved']);
    expect(ids({ ami: 'al2023-plain', hostRules: 'documented-rebooted' })).toEqual(['route-localnet-lost-at-reboot']);
    expect(commands({ ami: 'al2023-plain', hostRules: 'not-saved-rebooted' })).toContain(
      'sudo iptables-save | sudo tee /etc/sysconfig/iptables && sudo systemctl enable --now iptables',
    );
  });
  test('plain AMI, no rules → add the rules; the instance-role fallback of sdk-js-v2 gets the same fix', () => {
    expect(ids({ ami: 'al2023-plain', hostRules: 'none' })).toEqual(['iptables-rules-missing']);
    expect(ids({ ami: 'al2023-plain', hostRules: 'none', client: 'sdk-js-v2' })).toEqual(['iptables-rules-missing']);
  });
  test('ENDPOINT_ERROR with no known cause → check agent, NAT rules, audit log (fallback)', () => {
    expect(ids({}, 'ENDPOINT_ERROR')).toEqual(['endpoint-failed']);
  });
  test('no taskRoleArn → provide the task role in the task definition', () => {
    expect(ids({ taskRole: 'unset' })).toEqual(['task-role-unset']);
  });
  test('aws-sdk 2.4.6 → upgrade the SDK', () => expect(ids({ client: 'sdk-js-v2-2016' })).toEqual(['sdk-too-old']));
  test('clean-environment child → export the variable for non-PID-1 processes (the seed line)', () => {
    expect(ids({ process: 'env-reset-child' })).toEqual(['env-reset-child']);
    expect(commands({ process: 'env-reset-child' })).toEqual([
      "RUN echo 'export $(strings /proc/1/environ | grep AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)' >> /root/.profile",
    ]);
  });
  test('sibling container through the Docker socket → pass the variable on with docker run -e', () => {
    expect(ids({ process: 'sibling-container' })).toEqual(['sibling-container']);
    expect(ids({ process: 'sibling-container', imds: 'blocked' }, 'NO_CREDENTIALS')).toEqual(['sibling-container']);
    expect(commands({ process: 'sibling-container' }).join('\n')).toContain(
      'docker run -e AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    );
  });
  test('task proxy hides IMDS → primary cause first, then NO_PROXY for the task', () => {
    expect(ids({ taskRole: 'unset', taskProxy: 'without-no-proxy' })).toEqual([
      'task-role-unset',
      'task-proxy-without-no-proxy',
    ]);
  });
  test('Go client, NO_PROXY for IMDS only → add 169.254.170.2 to the task NO_PROXY', () => {
    for (const client of ['sdk-go-v1', 'sdk-go-v2'] as const) {
      const partial = { client, taskProxy: 'with-no-proxy-imds-only' } as const;
      expect(ids(partial)).toEqual(['task-proxy-takes-container-credentials']);
      expect(commands(partial).join('\n')).toContain('169.254.169.254,169.254.170.2');
    }
  });
  test('instance role trusting ecs-tasks → make it trust EC2', () => {
    expect(ids({ instanceRoleTrust: 'ecs-tasks' }, 'NOT_PLACED')).toEqual(['instance-role-not-assumable-by-ec2']);
    expect(commands({ instanceRoleTrust: 'ecs-tasks' }, 'NOT_PLACED').join('\n')).toContain(
      '"Service": "ec2.amazonaws.com"',
    );
  });
  test("seed's 128 MiB with a failed cell → more memory, then the rerun", () => {
    expect(ids({ taskMemory: 'seed' }, 'INFRA_ERROR')).toEqual(['seed-memory-too-small', 'harness-failed']);
  });
  test('caller without iam:PassRole → allow it to pass the task role (not the trust fix)', () => {
    expect(ids({ passRole: 'not-allowed' })).toEqual(['caller-cannot-pass-role']);
    expect(commands({ passRole: 'not-allowed' }).join('\n')).toContain(
      '"iam:PassedToService": "ecs-tasks.amazonaws.com"',
    );
  });
  test('hop limit 1 with tokens required, bridge task → the cause, then the hop limit (host mode is not it)', () => {
    expect(ids({ taskRole: 'unset', imdsOptions: 'v2-hop1' })).toEqual(['task-role-unset', 'imds-hop-limit']);
    expect(commands({ taskRole: 'unset', imdsOptions: 'v2-hop1' }).at(-1)).toContain('--http-put-response-hop-limit 2');
    expect(ids({ taskRole: 'unset', imdsOptions: 'v2-hop1', network: 'host' }, 'NO_CREDENTIALS')).toEqual([
      'task-role-unset',
    ]);
  });
  test('awsvpc: the documented agent container → run it as ecs-init does; IMDS reachable → the block flag', () => {
    expect(ids({ network: 'awsvpc', ami: 'al2023-plain' })).toEqual(['awsvpc-without-task-eni']);
    expect(commands({ network: 'awsvpc', ami: 'al2023-plain' }).at(-1)).toContain('--env ECS_ENABLE_TASK_ENI=true');
    expect(ids({ network: 'awsvpc', taskRole: 'unset' })).toEqual(['task-role-unset', 'awsvpc-imds-reachable']);
    expect(commands({ network: 'awsvpc', taskRole: 'unset' })).toContain(
      "echo 'ECS_AWSVPC_BLOCK_IMDS=true' | sudo tee -a /etc/ecs/ecs.config",
    );
    expect(ids({ network: 'awsvpc', taskRole: 'unset', awsvpcBlockImdsFlag: 'true' })).toEqual([
      'task-role-unset',
      'awsvpc-imds-blocked',
    ]);
  });
  test('instance-role leak → the cause, then the security finding', () => {
    expect(ids({ taskRole: 'unset', instanceRolePolicy: 'list-tasks' })).toEqual([
      'task-role-unset',
      'instance-role-leak',
    ]);
  });
  test('fell back for no known reason → the whole checklist (fallback)', () => {
    expect(ids({}, 'INSTANCE_ROLE_DENIED')).toEqual(['fell-back-unknown-cause']);
  });
  test('TASK_ROLE_DENIED → grant the task role the permission', () => {
    expect(ids({ taskRolePolicy: 'none' })).toEqual(['task-role-lacks-permission']);
    expect(commands({ taskRolePolicy: 'none' })[0]).toContain('--role-name TASK_ROLE_NAME');
  });
  test('permission on the execution role → move it to the task role, then the generic entry', () => {
    expect(ids({ taskRolePolicy: 'on-execution-role' })).toEqual([
      'permission-on-execution-role',
      'task-role-lacks-permission',
    ]);
  });
});

test.describe('verdict notes', () => {
  test('as expected, working', () =>
    expect(diagnose(cellWith({})).verdictNote).toBe('As expected: the known-good behaviour.'));
  test('as expected, a documented failure', () =>
    expect(diagnose(cellWith({ taskIamRoleFlag: 'false' })).verdictNote).toMatch(
      /^As expected \(rule task-iam-role-flag-off\)/,
    ));
  test('unexpected success', () =>
    expect(diagnose(cellWith({ taskIamRoleFlag: 'false' }, 'TASK_ROLE')).verdictNote).toMatch(/^Unexpected success/));
  test('deviation', () =>
    expect(diagnose(cellWith({}, 'INSTANCE_ROLE_DENIED')).verdictNote).toBe(
      'Deviation: expected TASK_ROLE (rule known-good), got INSTANCE_ROLE_DENIED. The diagnosis below is for what actually happened.',
    ));
  test('no verdict', () => expect(diagnose(cellWith({}, 'TIMEOUT')).verdictNote).toMatch(/^No verdict/));
});

test('the OS of the commands is named', () => {
  expect(diagnose(cellWith({ ami: 'al1-ecs' })).os).toBe('Amazon Linux (AL1, upstart)');
});

test('cell patterns are anchored, escaped and safe in single quotes', () => {
  expect(cellPattern('rpsLimit=1,1,load=burst')).toBe('^rpsLimit=1,1,load=burst$');
  expect(cellPattern('rpsLimit=a.b')).toBe('^rpsLimit=a\\.b$');
  expect(cellPattern("rpsLimit=it's")).toBe("^rpsLimit=it'\\''s$");
});

test.describe('imds-metadata-reader: the diagnosis follows the metadata read, not only the outcome', () => {
  const reader = (partial: PartialDimensions, result?: 'read' | 'failed') => {
    const cell = cellWith({ process: 'imds-metadata-reader', ...partial });
    const imdsMetadata =
      result === 'failed'
        ? { result, tokenRequest: 'timed out', error: 'meta-data/placement/region: HTTP 401' }
        : { result: 'read' as const, tokenRequest: 'obtained', region: 'us-west-2', instanceId: 'i-0abc' };
    return result ? { ...cell, details: { ...cell.details, imdsMetadata } } : cell;
  };

  test('a failed read → give the process its region another way; the hop limit only as the last resort', () => {
    const diagnosis = diagnose(reader({ imdsOptions: 'v2-hop1' }, 'failed'));
    expect(diagnosis.items.map((item) => item.id)).toEqual(['imds-metadata-unreadable', 'working']);
    const lines = diagnosis.items.flatMap((item) => item.commands).join('\n');
    expect(lines).toContain('{ "name": "AWS_REGION", "value": "REGION" }');
    expect(lines).toContain('--http-put-response-hop-limit 2');
    expect(diagnosis.items[0]?.source?.url).toBe('https://github.com/aws/aws-xray-daemon/issues/40');
  });

  test('a read that worked, or no read at all, → no metadata diagnosis', () => {
    expect(diagnose(reader({}, 'read')).items.map((item) => item.id)).toEqual(['working']);
    expect(diagnose(reader({})).items.map((item) => item.id)).not.toContain('imds-metadata-unreadable');
  });

  test('a deviation in the read alone says so in the verdict note', () => {
    const cell = { ...reader({}, 'failed'), verdict: 'fail' as const };
    expect(diagnose(cell).verdictNote).toContain('Deviation in the IMDS metadata read: expected read');
  });
});
