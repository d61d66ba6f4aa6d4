import { expect, test } from '@playwright/test';
import { parseUserData } from './user-data.ts';

test('empty user data has no parts', () => {
  expect(parseUserData('')).toEqual([]);
  expect(parseUserData('  \n')).toEqual([]);
});

test('a #! script is one script part', () => {
  expect(parseUserData('#!/bin/bash\necho hi\n')).toEqual([
    { kind: 'script', body: '#!/bin/bash\necho hi\n', label: 'text/x-shellscript' },
  ]);
});

test('a #cloud-boothook loses its marker line', () => {
  expect(parseUserData('#cloud-boothook\n#!/bin/sh\necho early\n')).toEqual([
    { kind: 'boothook', body: '#!/bin/sh\necho early\n', label: 'text/cloud-boothook' },
  ]);
});

test('#cloud-config and plain text are not run', () => {
  expect(parseUserData('#cloud-config\nruncmd: []\n')[0]).toMatchObject({
    kind: 'unsupported',
    label: '#cloud-config',
  });
  expect(parseUserData('ECS_CLUSTER=x\n')[0]?.kind).toBe('unsupported');
});

test('MIME multipart parts are split by content type, base64 decoded, CRLF tolerated', () => {
  const script = Buffer.from('#!/bin/bash\necho b64\n').toString('base64');
  const userData = [
    'Content-Type: multipart/mixed; boundary="XX"',
    'MIME-Version: 1.0',
    '',
    '--XX',
    'Content-Type: text/cloud-config; charset="us-ascii"',
    '',
    'runcmd: []',
    '--XX',
    'Content-Type: text/x-shellscript',
    'Content-Transfer-Encoding: base64',
    '',
    script,
    '--XX',
    'Content-Type: text/cloud-boothook',
    '',
    '#cloud-boothook',
    'echo hook',
    '--XX--',
  ].join('\r\n');
  expect(parseUserData(userData)).toEqual([
    { kind: 'unsupported', body: 'runcmd: []', label: 'text/cloud-config' },
    { kind: 'script', body: '#!/bin/bash\necho b64\n', label: 'text/x-shellscript' },
    { kind: 'boothook', body: 'echo hook', label: 'text/cloud-boothook' },
  ]);
});

test('multipart without a boundary is reported, not run', () => {
  expect(parseUserData('Content-Type: multipart/mixed\n\nbody')[0]?.kind).toBe('unsupported');
});
