import { type Command, InvalidArgumentError } from 'commander';
import { BOUNDARY_POLICY_NAME, harnessPolicy, permissionsBoundary } from '../../infra/aws/harness-policy.ts';
import { IAM_PATH } from '../../infra/aws/tags.ts';
import { withHelpFooter } from './help-text.ts';
import { parseRegion } from './region-option.ts';

export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description(
      `print the IAM policy the harness needs, or (--boundary) the permissions boundary of the roles it creates ` +
        `(create it as the managed policy ${IAM_PATH}${BOUNDARY_POLICY_NAME}), as JSON`,
    )
    .option('--account <id>', 'fill in this account id (12 digits) instead of *', parseAccount)
    .option('--region <region>', 'fill in this region instead of *', parseRegion)
    .option('--boundary', 'the permissions boundary instead of the harness policy');
  withHelpFooter(policy, {
    exitCodes: [
      ['0', 'printed'],
      ['2', 'usage (an account id that is not 12 digits, a malformed region)'],
    ],
    examples: [
      'ecs-taskrole policy --account 123456789012 --region us-west-2 > harness.json',
      'ecs-taskrole policy --boundary --account 123456789012 --region us-west-2 > boundary.json',
    ],
  });
  policy.action((options: { account?: string; region?: string; boundary?: boolean }) => {
    const scope = {
      ...(options.account ? { account: options.account } : {}),
      ...(options.region ? { region: options.region } : {}),
    };
    const document = options.boundary ? permissionsBoundary(scope) : harnessPolicy(scope);
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  });
}

function parseAccount(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('expected a 12-digit AWS account id');
  return value;
}
