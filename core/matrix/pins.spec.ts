import { expect, test } from '@playwright/test';
import { BadInputError } from '../errors.ts';
import { PROXY_URL_RULE } from '../input/proxy-url.ts';
import { expandMatrix } from './expand.ts';
import { parseMatrixText } from './load.ts';

function problemsOf(text: string): string[] {
  try {
    parseMatrixText(text, 'm.yaml');
  } catch (error) {
    if (error instanceof BadInputError) return error.problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a BadInputError');
}

test('amis and proxyUrl reach the loaded Matrix (amiPins, proxyUrl)', () => {
  const text =
    'amis: { al2023-ecs: ami-0123456789abcdef0, al2-ecs: ami-01234567 }\nproxyUrl: https://proxy.corp:3128\n';
  const matrix = expandMatrix(parseMatrixText(text, 'm.yaml'), 'm.yaml');
  expect(matrix.amiPins).toEqual({ 'al2023-ecs': 'ami-0123456789abcdef0', 'al2-ecs': 'ami-01234567' });
  expect(matrix.proxyUrl).toBe('https://proxy.corp:3128');
  const plain = expandMatrix(parseMatrixText('vary: { network: [host] }', 'm.yaml'), 'm.yaml');
  expect(plain.amiPins).toEqual({});
  expect(plain.proxyUrl).toBeUndefined();
});

test('an AMI id outside ami-[0-9a-f]{8,17} and an unknown AMI profile are refused, naming what is accepted', () => {
  expect(problemsOf('amis: { al2023-ecs: ami-123, al2-ecs: AMI-0123456789ABCDEF0 }')).toEqual([
    'm.yaml: amis.al2023-ecs: expected an AMI id: ami- and 8 to 17 lowercase hex digits, such as ami-0123456789abcdef0',
    'm.yaml: amis.al2-ecs: expected an AMI id: ami- and 8 to 17 lowercase hex digits, such as ami-0123456789abcdef0',
  ]);
  expect(problemsOf('amis: { al2024-ecs: ami-0123456789abcdef0 }')).toEqual([
    'm.yaml: amis.al2024-ecs: unknown AMI profile "al2024-ecs"; accepted: al2023-ecs, al2-ecs, al1-ecs, al2023-plain',
  ]);
});

test('a proxy URL with credentials is refused without echoing the password, saying why and what to do instead', () => {
  for (const url of ['http://alice:s3cr3t-pw@proxy:3128', 'http://s3cr3t-pw@proxy:3128']) {
    const problems = problemsOf(`proxyUrl: ${url}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('m.yaml: proxyUrl: a proxy URL with a user or password');
    expect(problems[0]).toContain('written into EC2 user data and ECS task definitions');
    expect(problems[0]).toContain('without credentials');
    expect(problems[0]).not.toContain('s3cr3t-pw');
  }
});

test('a proxy URL must be http(s) with a host', () => {
  for (const url of ['socks5://proxy:1080', 'proxy:3128', 'http://proxy:3128/?x=1', 'ftp://proxy']) {
    expect(problemsOf(`proxyUrl: "${url}"`), url).toEqual([`m.yaml: proxyUrl: ${PROXY_URL_RULE}`]);
  }
});
