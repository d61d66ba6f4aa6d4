/**
 * How the LocalStack container is configured. ECS and IAM enforcement are LocalStack paid-tier
 * features: without LOCALSTACK_AUTH_TOKEN the community image starts, but has neither.
 */
export interface LocalStackOptions {
  /** Full image reference; default depends on whether an auth token is present. */
  image?: string;
  authToken?: string;
  region: string;
}

/** LocalStack accepts any key pair for its default account (000000000000); these are its documented ones. */
/** LocalStack's standard edge port, for `sweep --backend localstack` outside a run. */
export const DEFAULT_LOCALSTACK_ENDPOINT = 'http://localhost:4566';

export const LOCALSTACK_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export const COMMUNITY_IMAGE = 'localstack/localstack:4';
export const PRO_IMAGE = 'localstack/localstack-pro:4';

/** The services one run calls, as LocalStack's health endpoint names them. */
export const REQUIRED_SERVICES = ['ecs', 'ec2', 'iam', 'sts', 'logs', 'ssm'] as const;

export interface ContainerSpec {
  image: string;
  environment: Record<string, string>;
}

export function containerSpec(options: LocalStackOptions): ContainerSpec {
  const environment: Record<string, string> = {
    SERVICES: REQUIRED_SERVICES.join(','),
    DEFAULT_REGION: options.region,
    // Paid tier: evaluate IAM policies like AWS, so task-role vs instance-role denials are real.
    ENFORCE_IAM: '1',
  };
  if (options.authToken) environment.LOCALSTACK_AUTH_TOKEN = options.authToken;
  return { image: options.image ?? (options.authToken ? PRO_IMAGE : COMMUNITY_IMAGE), environment };
}

/** Reads the options from the environment: ECS_TASKROLE_LOCALSTACK_IMAGE, LOCALSTACK_AUTH_TOKEN. */
export function localStackOptionsFromEnv(region: string, env: NodeJS.ProcessEnv = process.env): LocalStackOptions {
  return {
    region,
    ...(env.ECS_TASKROLE_LOCALSTACK_IMAGE ? { image: env.ECS_TASKROLE_LOCALSTACK_IMAGE } : {}),
    ...(env.LOCALSTACK_AUTH_TOKEN ? { authToken: env.LOCALSTACK_AUTH_TOKEN } : {}),
  };
}
