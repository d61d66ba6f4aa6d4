import { expect, test } from '@playwright/test';
import { containerEnvironment } from './container-environment.ts';

const base = {
  imageEnv: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
  definitionEnv: [],
  credentialsRelativeUri: undefined,
  region: 'us-east-1',
  hostname: 'abc123',
  home: '/root',
};

test('a task with a role gets the relative URI, the region and Docker’s HOSTNAME/HOME', () => {
  expect(containerEnvironment({ ...base, credentialsRelativeUri: '/v2/credentials/id-1' })).toEqual({
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    AWS_EXECUTION_ENV: 'AWS_ECS_EC2',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/id-1',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    HOSTNAME: 'abc123',
    HOME: '/root',
  });
});

test('the agent’s URI overrides a task-definition value; without a role the definition’s value stays', () => {
  const definitionEnv = [{ name: 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', value: '/v2/credentials/mine' }];
  expect(
    containerEnvironment({ ...base, definitionEnv, credentialsRelativeUri: '/v2/credentials/agent' })
      .AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
  ).toBe('/v2/credentials/agent');
  expect(containerEnvironment({ ...base, definitionEnv }).AWS_CONTAINER_CREDENTIALS_RELATIVE_URI).toBe(
    '/v2/credentials/mine',
  );
  expect('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' in containerEnvironment(base)).toBe(false);
});

test('region is not injected when the definition or the image sets either variable', () => {
  const fromDefinition = containerEnvironment({
    ...base,
    definitionEnv: [{ name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' }],
  });
  expect(fromDefinition.AWS_DEFAULT_REGION).toBe('eu-west-1');
  expect('AWS_REGION' in fromDefinition).toBe(false);
  const fromImage = containerEnvironment({ ...base, imageEnv: { ...base.imageEnv, AWS_REGION: 'eu-west-2' } });
  expect(fromImage.AWS_REGION).toBe('eu-west-2');
  expect('AWS_DEFAULT_REGION' in fromImage).toBe(false);
});

test('proxy variables in the definition pass through as given; a later duplicate wins', () => {
  const env = containerEnvironment({
    ...base,
    definitionEnv: [
      { name: 'HTTP_PROXY', value: 'http://198.18.0.9:3128' },
      { name: 'NO_PROXY', value: 'a' },
      { name: 'NO_PROXY', value: '169.254.169.254,169.254.170.2' },
    ],
  });
  expect(env.HTTP_PROXY).toBe('http://198.18.0.9:3128');
  expect(env.NO_PROXY).toBe('169.254.169.254,169.254.170.2');
});
