import { expect, test } from '@playwright/test';
import { runCli } from '../../testing/run-cli.ts';

/** IAM's policy variable for the role's run (a literal `${…}`, not a template). */
const RUN_VARIABLE = ['$', '{aws:PrincipalTag/ecs-taskrole:run}'].join('');

test('policy prints the harness policy as JSON, account and region filled in where they were wildcards', async () => {
  const result = await runCli(['policy', '--account', '111122223333', '--region', 'eu-west-1']);
  expect(result.exitCode, result.stderr).toBe(0);
  const policy = JSON.parse(result.stdout) as {
    Statement: { Action: string | string[]; Resource: string | string[]; Condition?: object }[];
  };
  const statement = (action: string) => policy.Statement.find((s) => [s.Action].flat().includes(action));
  expect(statement('ecs:CreateCluster')?.Resource).toBe('arn:aws:ecs:eu-west-1:111122223333:cluster/ecs-taskrole-*');
  // IAM ARNs have no region; AWS's public SSM parameters no account; the managed policy's account stays `aws`.
  expect(statement('iam:CreateRole')?.Resource).toBe('arn:aws:iam::111122223333:role/ecs-taskrole/ecs-taskrole-*');
  expect(JSON.stringify(statement('iam:CreateRole')?.Condition)).toContain(
    'arn:aws:iam::111122223333:policy/ecs-taskrole/ecs-taskrole-boundary',
  );
  expect(statement('ssm:GetParameter')?.Resource).toContain('arn:aws:ssm:eu-west-1:*:parameter/aws/service/ecs/*');
  expect(JSON.stringify(statement('iam:AttachRolePolicy'))).toContain(
    'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
  );
  // Every region filled in but the instance profile association's, which IAM names with a `*` region.
  expect(result.stdout).not.toMatch(/arn:aws:(ecs|logs):\*/);
  expect(result.stdout.match(/arn:aws:ec2:\*[^"]*/g)).toEqual(['arn:aws:ec2:*:111122223333:instance/*']);
});

test('policy --boundary prints the boundary; without --account the wildcards stay (the fixture as it is)', async () => {
  const result = await runCli(['policy', '--boundary']);
  expect(result.exitCode, result.stderr).toBe(0);
  const boundary = JSON.parse(result.stdout) as { Statement: { Action: string | string[] }[] };
  expect(boundary.Statement.flatMap((s) => s.Action)).toContain('ecs:ListTasks');
  expect(result.stdout).toContain('arn:aws:logs:*:*:log-group:/ecs-taskrole/*');
  // The run's own cluster, from the role's run tag: the policy variable survives the filling in.
  expect(result.stdout).toContain(`cluster/ecs-taskrole-${RUN_VARIABLE}-cluster`);
});

test('policy --boundary with an account and region keeps the policy variable of the run cluster intact', async () => {
  const result = await runCli(['policy', '--boundary', '--account', '111122223333', '--region', 'eu-west-1']);
  expect(result.exitCode, result.stderr).toBe(0);
  expect(result.stdout).toContain(`arn:aws:ecs:eu-west-1:111122223333:cluster/ecs-taskrole-${RUN_VARIABLE}-cluster`);
});

test('a malformed account id is bad input (exit 2), nothing printed on stdout', async () => {
  const result = await runCli(['policy', '--account', '12345']);
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain('expected a 12-digit AWS account id');
  expect(result.stdout).toBe('');
});
