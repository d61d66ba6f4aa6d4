import { type Command, InvalidArgumentError } from 'commander';
import { BOUNDARY_POLICY_NAME, harnessPolicy, permissionsBoundary } from '../../infra/aws/harness-policy.ts';
import { IAM_PATH } from '../../infra/aws/tags.ts';

export function registerPolicy(program: Command): void {
  program
    .command('policy')
    .description(
      `print the IAM policy the harness needs, or (--boundary) the permissions boundary of the roles it creates ` +
        `(create it as the managed policy ${IAM_PATH}${BOUNDARY_POLICY_NAME}), as JSON`,
    )
    .option('--account <id>', 'fill in this account id (12 digits) instead of *', parseAccount)
    .option('--region <region>', 'fill in this region instead of *', parseRegion)
    .option('--boundary', 'the permissions boundary instead of the harness policy')
    .action((options: { account?: string; region?: string; boundary?: boolean }) => {
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

function parseRegion(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) throw new InvalidArgumentError('expected a region such as us-west-2');
  return value;
}
