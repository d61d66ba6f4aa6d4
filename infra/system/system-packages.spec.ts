import { expect, test } from '@playwright/test';
import { missingPackages } from './system-packages.ts';

test('a package whose command exists is present, one whose command does not is missing', async () => {
  const present = { name: 'coreutils', command: 'ls', why: 'listing' };
  const absent = { name: 'no-such-package', command: 'no-such-command-etr', why: 'nothing' };
  expect(await missingPackages([present, absent])).toEqual([absent]);
});
