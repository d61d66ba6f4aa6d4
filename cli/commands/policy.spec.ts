import { expect, test } from '@playwright/test';
import { runCli } from '../../testing/run-cli.ts';

test('policy prints the harness policy as JSON, account and region filled in where they were wildcards', async () => {
  const result = await runCli(['policy', '--account', '111122223333', '--region', 'eu-west-1']);
  expect(result.exitCode, result.stderr).toBe(0);
  const policy = JSON.parse(result.stdout) as {
    Statement: { Sid: string; Resource: string | string[]; Condition?: object }[];
  };
  const statement = (sid: string) => policy.Statement.find((s) => s.Sid === sid);
  expect(statement('CreateClustersOnlyWithTheRunTags')?.Resource).toBe(
    'arn:aws:ecs:eu-west-1:111122223333:cluster/ecs-taskrole-*',
  );
  // IAM ARNs have no region; AWS's public SSM parameters no account; the managed policy's account stays `aws`.
  expect(statement('CreateRolesOnlyWithTheBoundaryAndTheRunTags')?.Resource).toBe(
    'arn:aws:iam::111122223333:role/ecs-taskrole/*',
  );
  expect(JSON.stringify(statement('CreateRolesOnlyWithTheBoundaryAndTheRunTags')?.Condition)).toContain(
    'arn:aws:iam::111122223333:policy/ecs-taskrole/ecs-taskrole-boundary',
  );
  expect(statement('ReadTheRecommendedAmiParameters')?.Resource).toContain(
    'arn:aws:ssm:eu-west-1:*:parameter/aws/service/ecs/*',
  );
  expect(JSON.stringify(statement('AttachOnlyTheEcsInstancePolicyToRolesThatHaveTheBoundary'))).toContain(
    'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
  );
  expect(result.stdout).not.toMatch(/arn:aws:(ecs|ec2|logs):\*/);
});

test('policy --boundary prints the boundary; without --account the wildcards stay (the fixture as it is)', async () => {
  const result = await runCli(['policy', '--boundary']);
  expect(result.exitCode, result.stderr).toBe(0);
  const boundary = JSON.parse(result.stdout) as { Statement: { Action: string | string[] }[] };
  expect(boundary.Statement.flatMap((s) => s.Action)).toContain('ecs:ListTasks');
  expect(result.stdout).toContain('arn:aws:logs:*:*:log-group:/ecs-taskrole/*');
});

test('a malformed account id is bad input (exit 2), nothing printed on stdout', async () => {
  const result = await runCli(['policy', '--account', '12345']);
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain('expected a 12-digit AWS account id');
  expect(result.stdout).toBe('');
});
