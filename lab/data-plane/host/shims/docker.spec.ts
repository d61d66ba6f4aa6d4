import { expect, test } from '@playwright/test';
import { parseDockerRun } from './docker.ts';

test('long options with = and with a separate value; booleans skipped; the image ends the options', () => {
  const options = parseDockerRun([
    '--name',
    'ecs-agent',
    '--detach=true',
    '--restart=on-failure:10',
    '--volume=/var/run:/var/run',
    '--net=host',
    '--env-file=/etc/ecs/ecs.config',
    '--env',
    'A=1',
    '--privileged',
    'amazon/amazon-ecs-agent:latest',
    '--ignored-after-image',
  ]);
  expect(options).toEqual({
    name: 'ecs-agent',
    restart: 'on-failure:10',
    envFiles: ['/etc/ecs/ecs.config'],
    env: ['A=1'],
    image: 'amazon/amazon-ecs-agent:latest',
  });
});

test('short options: -e VALUE, -eVALUE, combined booleans (-dit), -v with a value', () => {
  const options = parseDockerRun(['-dit', '-e', 'A=1', '-eB=2', '-v', '/a:/b', '-p', '80:80', 'image']);
  expect(options).toMatchObject({ env: ['A=1', 'B=2'], image: 'image', restart: 'no' });
});

test('no image: image is undefined', () => {
  expect(parseDockerRun(['--rm', '-e', 'A=1']).image).toBeUndefined();
});

test('secrets in shim arguments are redacted for the console log', async () => {
  const { redact } = await import('./shim-server.ts');
  expect(redact('run -e AWS_SECRET_ACCESS_KEY=abc -e AWS_SESSION_TOKEN=def -e ECS_CLUSTER=x img')).toBe(
    'run -e AWS_SECRET_ACCESS_KEY=*** -e AWS_SESSION_TOKEN=*** -e ECS_CLUSTER=x img',
  );
});
