import { expect, test } from '@playwright/test';
import { containerRuntimeUnavailable } from './container-runtime.ts';
import { missingServices, missingServicesMessage } from './health.ts';
import { COMMUNITY_IMAGE, containerSpec, localStackOptionsFromEnv, PRO_IMAGE } from './localstack-options.ts';
import { startLocalStack } from './start-localstack.ts';

test.describe('container configuration', () => {
  test('without a token: community image, the run services, IAM enforcement asked for', () => {
    expect(containerSpec({ region: 'eu-west-1' })).toEqual({
      image: COMMUNITY_IMAGE,
      environment: { SERVICES: 'ecs,ec2,iam,sts,logs,ssm', DEFAULT_REGION: 'eu-west-1', ENFORCE_IAM: '1' },
    });
  });

  test('with LOCALSTACK_AUTH_TOKEN: the paid-tier image, token passed through', () => {
    const spec = containerSpec(localStackOptionsFromEnv('us-west-2', { LOCALSTACK_AUTH_TOKEN: 'ls-token' }));
    expect(spec.image).toBe(PRO_IMAGE);
    expect(spec.environment.LOCALSTACK_AUTH_TOKEN).toBe('ls-token');
  });

  test('ECS_TASKROLE_LOCALSTACK_IMAGE picks image and tag', () => {
    const options = localStackOptionsFromEnv('us-west-2', { ECS_TASKROLE_LOCALSTACK_IMAGE: 'mirror/localstack:4.2' });
    expect(containerSpec(options).image).toBe('mirror/localstack:4.2');
  });
});

test.describe('service check', () => {
  test('a community LocalStack without ECS is named as such', () => {
    const health = {
      edition: 'community',
      services: {
        ec2: 'available',
        iam: 'available',
        sts: 'available',
        logs: 'running',
        ssm: 'available',
        ecs: 'disabled',
      },
    };
    expect(missingServices(health)).toEqual(['ecs']);
    expect(missingServicesMessage(['ecs'], health)).toMatch(
      /^LocalStack \(edition: community\) does not offer ecs, .*paid-tier.*LOCALSTACK_AUTH_TOKEN/,
    );
  });

  test('a complete LocalStack misses nothing', () => {
    const services = Object.fromEntries(['ecs', 'ec2', 'iam', 'sts', 'logs', 'ssm'].map((s) => [s, 'available']));
    expect(missingServices({ services })).toEqual([]);
  });
});

test.describe('end to end', () => {
  test('starts LocalStack, or fails fast naming the missing container runtime', async () => {
    const unavailable = await containerRuntimeUnavailable();
    if (unavailable) {
      await expect(startLocalStack({ region: 'us-west-2' })).rejects.toThrow(/^no container runtime found: /);
      test.skip(true, unavailable);
      return;
    }
    const localstack = await startLocalStack(localStackOptionsFromEnv('us-west-2')).catch((error: Error) => {
      test.skip(/paid-tier/.test(error.message), error.message);
      throw error;
    });
    try {
      expect(localstack.endpoint).toMatch(/^http:\/\/[^:]+:\d+$/);
    } finally {
      await localstack.stop();
    }
  });
});
