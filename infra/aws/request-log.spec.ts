/**
 * The harness policy is sufficient: a real run on the lab records every AWS request the harness makes
 * (ECS_TASKROLE_REQUEST_LOG, every process of the run), and each is allowed by a real IAM evaluator
 * (testing/iam-evaluator.ts) under the policy with account and region filled in, given the tags and boundary each
 * resource was created with. The lab itself enforces the policy's actions too (IAM enforcement on).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { labSkipReason } from '../../lab/index.ts';
import { runCli } from '../../testing/run-cli.ts';
import { ACCOUNT, type CreatedResource } from './authorization.ts';
import { harnessPolicy } from './harness-policy.ts';
import { type LoggedRequest, REQUEST_LOG_ENV } from './request-log.ts';
import { evaluate, forAccount, withResourceContext } from './testing/iam-evaluator.ts';

test.describe.configure({ timeout: 900_000 });

/** Cells that between them make every kind of request: task roles of each trust and policy, an instance
 * role with an inline policy, the plain AMI's parameter and a reboot, a proxy cell, an execution role, an
 * awsvpc task (its instance's subnet and groups read for RunTask's networkConfiguration). */
const CELLS = [
  'baseline',
  'trust=ec2',
  'taskRolePolicy=none',
  'taskRole=unset,instanceRolePolicy=list-tasks',
  'ami=al2023-plain,hostRules=not-saved-rebooted',
  'taskProxy=with-no-proxy',
  'taskRolePolicy=on-execution-role',
  'network=awsvpc',
];

test('every AWS request of a lab run is allowed by the harness policy', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const dir = await mkdtemp(join(tmpdir(), 'etr-request-log-'));
  const log = join(dir, 'requests.jsonl');
  try {
    const grep = `^(${CELLS.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
    const run = await runCli(['run', '--grep', grep, '--out', join(dir, 'out')], {
      env: { ECS_TASKROLE_LAB_DIR: join(dir, 'lab'), [REQUEST_LOG_ENV]: log },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const text = await readFile(log, 'utf8');
    // Names, ARNs, tags and instance types only: no key, no user data, no policy document.
    expect(text).not.toMatch(/SecretAccessKey|secretAccessKey|SessionToken|ECS_CLUSTER=|"Statement"/);
    const requests = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LoggedRequest);

    const account = /arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(text)?.[1] ?? '';
    expect(account).toMatch(/^\d{12}$/);
    const region = requests[0]?.region ?? '';
    const policies = { identity: harnessPolicy({ account, region }) };
    const principal = { arn: `arn:aws:iam::${account}:user/ecs-taskrole-harness`, account };

    const known = new Map<string, CreatedResource>();
    const denied: string[] = [];
    let evaluated = 0;
    for (const request of requests) {
      for (const created of request.created)
        known.set(created.arn.replaceAll(ACCOUNT, account), forAccount(created, account));
      for (const action of request.actions) {
        const filled = withResourceContext(forAccount(action, account), known);
        const evaluation = await evaluate(filled, policies, principal);
        evaluated += 1;
        if (evaluation.decision !== 'Allowed' || evaluation.error) {
          denied.push(
            `${request.operation}: ${filled.action} on ${filled.resource} ${JSON.stringify(filled.context)} → ${evaluation.decision} ${evaluation.error ?? ''}`,
          );
        }
      }
    }
    test
      .info()
      .annotations.push({ type: 'evaluated', description: `${requests.length} requests, ${evaluated} authorizations` });
    expect(denied).toEqual([]);
    expect(requests.filter((r) => /AccessDenied|UnauthorizedOperation/.test(r.error ?? ''))).toEqual([]);

    // The run made every kind of request the policy is there for (a record that missed some proves little).
    const operations = new Set(requests.map((r) => `${r.service}:${r.operation}`));
    for (const expected of [
      'iam:CreateRole',
      'iam:PutRolePolicy',
      'iam:AttachRolePolicy',
      'iam:CreateInstanceProfile',
      'iam:AddRoleToInstanceProfile',
      'ssm:GetParameter',
      'ec2:RunInstances',
      'ec2:RebootInstances',
      'ec2:GetConsoleOutput',
      'ec2:TerminateInstances',
      'ecs:CreateCluster',
      'ecs:RegisterTaskDefinition',
      'ecs:RunTask',
      'ecs:DescribeTasks',
      'logs:CreateLogGroup',
      'logs:GetLogEvents',
      'ecs:DeleteCluster',
      'logs:DeleteLogGroup',
      'iam:DeleteInstanceProfile',
      'iam:DeleteRole',
      'iam:ListRoles',
    ]) {
      expect(operations, expected).toContain(expected);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
