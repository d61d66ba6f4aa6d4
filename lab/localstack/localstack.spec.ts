import { expect, test } from '@playwright/test';
import { awsProfile } from '../../infra/backends/aws.ts';
import { BACKEND_ENV, backendRecordSchema } from '../../infra/backends/backend-record.ts';
import { containerRuntimeUnavailable } from './container-runtime.ts';
import { missingServices, missingServicesMessage } from './health.ts';
import {
  COMMUNITY_IMAGE,
  containerSpec,
  DEFAULT_LOCALSTACK_ENDPOINT,
  localStackOptionsFromEnv,
  PRO_IMAGE,
} from './localstack-options.ts';
import { localstackProfile } from './localstack-profile.ts';
import { localStackControlPlane } from './localstack-wiring.ts';
import { startFailureMessage, startLocalStack } from './start-localstack.ts';

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

test.describe('start failure', () => {
  test('without a token, the message says LocalStack needs one', () => {
    expect(startFailureMessage(COMMUNITY_IMAGE, {}, new Error('container exited with code 1'))).toBe(
      'LocalStack (localstack/localstack:4) did not start: container exited with code 1. LocalStack needs ' +
        'LOCALSTACK_AUTH_TOKEN to start (and for ECS and IAM enforcement); set it, or run with --backend lab.',
    );
  });

  test('with a token, the message points at the token and the image', () => {
    expect(startFailureMessage(PRO_IMAGE, { authToken: 'x' }, new Error('boom'))).toMatch(
      /did not start: boom\. check the token and the image \(ECS_TASKROLE_LOCALSTACK_IMAGE\)/,
    );
  });
});

test.describe('endpoint wiring', () => {
  const localstack = {
    endpoint: 'http://127.0.0.1:32771',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    stop: async () => {},
  };

  test("what run records is what every worker connects to: LocalStack for the harness, its relay for tasks, the lab's proxy", () => {
    const record = {
      backend: 'localstack' as const,
      region: 'eu-west-1',
      endpoint: localstack.endpoint,
      taskEndpoint: 'http://198.18.0.1:40123',
      proxyUrl: 'http://198.18.0.3:3128',
      startedLab: false,
    };
    expect(localstackProfile.connect(backendRecordSchema.parse(JSON.parse(JSON.stringify(record))))).toEqual({
      target: {
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:32771',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 2,
      },
      taskEndpoint: 'http://198.18.0.1:40123',
      proxyUrl: 'http://198.18.0.3:3128',
      registrationPollMs: 500,
    });
  });

  test('outside a run (sweep): the standard LocalStack port, no task endpoint', async () => {
    const record = await localstackProfile.standaloneRecord('us-west-2', {});
    if (!record) throw new Error('no standalone LocalStack record');
    const target = localstackProfile.connect(record);
    expect(target.target.endpoint).toBe(DEFAULT_LOCALSTACK_ENDPOINT);
    expect(target.taskEndpoint).toBeUndefined();
  });

  test('on AWS only the proxy is read from the environment', async () => {
    const env = { [BACKEND_ENV.proxyUrl]: 'http://proxy.corp:3128', [BACKEND_ENV.localstackEndpoint]: 'http://x:1' };
    const record = await awsProfile.standaloneRecord('us-east-1', env);
    if (!record) throw new Error('no standalone AWS record');
    expect(awsProfile.connect(record, env)).toEqual({
      target: { region: 'us-east-1' },
      proxyUrl: 'http://proxy.corp:3128',
      registrationPollMs: 5_000,
    });
  });

  test('the data plane reads LocalStack with its default credentials and reports task states with StopTask', () => {
    expect(localStackControlPlane(localstack)).toEqual({
      endpoint: 'http://127.0.0.1:32771',
      region: 'eu-west-1',
      reader: localstack.credentials,
      serviceIdentity: localstack.credentials,
      stateChange: 'stop-task',
    });
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
