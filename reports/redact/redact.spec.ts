import { expect, test } from '@playwright/test';
import { redactResults, redactValue } from './redact-results.ts';
import { REDACTED, redactSecrets } from './redact-text.ts';
import { leakyResults, oneCellResults, SECRET_FORMATS, TEXT_FIELDS } from './testing/secret-formats.ts';

test.describe('every format is redacted in every field of a result', () => {
  for (const { format, text, secret } of SECRET_FORMATS) {
    test(format, () => {
      expect(redactSecrets(text)).toContain(REDACTED);
      for (const { field, put } of TEXT_FIELDS) {
        const results = oneCellResults();
        put(results, text);
        const rendered = JSON.stringify(redactResults(results));
        expect.soft(rendered.includes(secret), `${format} in ${field}`).toBe(false);
      }
    });
  }
});

test('text around a secret is kept: the evidence stays readable', () => {
  expect(redactSecrets('proxyconnect tcp: http://alice:pw@proxy:3128: dial refused')).toBe(
    'proxyconnect tcp: http://alice:[redacted]@proxy:3128: dial refused',
  );
  expect(redactSecrets('export AWS_SESSION_TOKEN="abc" && aws s3 ls')).toBe(
    'export AWS_SESSION_TOKEN="[redacted]" && aws s3 ls',
  );
  expect(redactSecrets('key AKIAZZZZEXAMPLE00001 used')).toBe('key AKIA[redacted] used');
});

test('client errors that name a token but hold none are left alone', () => {
  for (const line of [
    'An error occurred (ExpiredToken) when calling the ListTasks operation: The security token included in the request is expired',
    'Unable to locate credentials. You can configure credentials by running "aws configure".',
    '"Token": null',
    'arn:aws:sts::123456789012:assumed-role/ecs-taskrole-task/ecs-task',
  ]) {
    expect(redactSecrets(line)).toBe(line);
  }
});

test('structured secrets: a secret-named key and an ECS environment entry lose their value whole', () => {
  expect(
    redactValue({
      environment: [
        { name: 'AWS_SECRET_ACCESS_KEY', value: 'plain value without any keyword' },
        { name: 'LOCALSTACK_AUTH_TOKEN', value: 'ls-abc' },
        { name: 'AWS_REGION', value: 'us-west-2' },
      ],
      credentials: { SecretAccessKey: 'anything at all', AccessKeyId: 'AKIAZZZZEXAMPLE00003' },
    }),
  ).toEqual({
    environment: [
      { name: 'AWS_SECRET_ACCESS_KEY', value: REDACTED },
      { name: 'LOCALSTACK_AUTH_TOKEN', value: REDACTED },
      { name: 'AWS_REGION', value: 'us-west-2' },
    ],
    credentials: { SecretAccessKey: REDACTED, AccessKeyId: `AKIA${REDACTED}` },
  });
});

test('the hostile fixture holds every format in every field, and redaction removes all of them', () => {
  const leaky = leakyResults();
  expect(leaky.cells).toHaveLength(SECRET_FORMATS.length * TEXT_FIELDS.length);
  const before = JSON.stringify(leaky);
  const after = JSON.stringify(redactResults(leaky));
  for (const { secret } of SECRET_FORMATS) {
    expect(before).toContain(secret);
    expect(after).not.toContain(secret);
  }
});
