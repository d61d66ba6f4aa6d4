import { expect, test } from '@playwright/test';
import { LAB_PACKAGES, missingPackages } from './system-packages.ts';

test('a package whose command exists is present, one whose command does not is missing', async () => {
  const present = { name: 'coreutils', command: 'ls', why: 'listing' };
  const absent = { name: 'no-such-package', command: 'no-such-command-etr', why: 'nothing' };
  expect(await missingPackages([present, absent])).toEqual([absent]);
});

test('the lab’s sbin packages are found by their full path with /usr/sbin off PATH (no apt-get every run)', async () => {
  const path = process.env.PATH;
  process.env.PATH = '/usr/bin:/bin';
  try {
    const sbin = LAB_PACKAGES.filter((pkg) => pkg.name === 'iptables' || pkg.name === 'conntrack');
    expect(sbin.map((pkg) => pkg.name)).toEqual(['iptables', 'conntrack']);
    expect(await missingPackages(sbin)).toEqual([]);
  } finally {
    process.env.PATH = path;
  }
});
