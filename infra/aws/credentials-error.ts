/**
 * A failure to find or use AWS credentials, said as what it is: the SDK's own message ("Could not load
 * credentials from any providers") reads like a bug, and the run and `sweep` must say what was (not)
 * touched and what to do.
 */
import { InfrastructureError } from '../../core/errors.ts';

/** The SDK's credential chain found nothing usable (its `CredentialsProviderError`). */
const NOT_FOUND = new Set(['CredentialsProviderError']);
/** AWS refused the credentials the chain found (STS and the service APIs' names for it). */
const REFUSED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'AuthFailure',
]);

const HOW_TO =
  'configure them as for the AWS CLI (aws configure, aws sso login, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) ' +
  'and check them with: aws sts get-caller-identity';

export class AwsCredentialsError extends InfrastructureError {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'AwsCredentialsError';
  }
}

/**
 * `error` as an AwsCredentialsError when it is about credentials, else unchanged. `consequence` says
 * what this means for the user's account, e.g. "nothing was created".
 */
export function explainCredentialsFailure(error: unknown, consequence: string): unknown {
  const name = error instanceof Error ? error.name : '';
  if (NOT_FOUND.has(name)) {
    return new AwsCredentialsError(`no AWS credentials found (${message(error)}): ${consequence}; ${HOW_TO}`, error);
  }
  if (REFUSED.has(name)) {
    return new AwsCredentialsError(
      `AWS refused the credentials found (${name}: ${message(error)}): ${consequence}; renew or replace them: ${HOW_TO}`,
      error,
    );
  }
  return error;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
