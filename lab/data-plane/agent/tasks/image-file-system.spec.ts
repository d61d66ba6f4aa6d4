/**
 * Images as file systems: a task sees its image's commands in /usr/bin and /usr/sbin, not this machine's.
 * None of the three images has binutils, so the seed's profile fix (`strings /proc/1/environ`) fails as on
 * AWS until the task installs binutils with its image's package manager; amazonlinux has no AWS CLI until
 * the task installs `awscli-2`. Fails on the old leniency (the machine's /usr/bin, `strings` and `aws`
 * included, in every task).
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { ImageId } from '../../../images/catalog.ts';
import { IMAGE_BIN_MOUNT, taskSystemDir } from '../../../images/image-roots.ts';
import { useBuiltImages } from '../../../images/testing/built-images.ts';
import { labSkipReason } from '../../network/preflight.ts';
import { startSandbox } from './sandbox.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());
test.describe.configure({ mode: 'serial' });

const built = useBuiltImages('etr-image-fs-');

/** Runs `script` with /bin/sh in a task of `image`; its output lines (stdout and stderr) and exit code. */
async function inTask(image: ImageId, script: string): Promise<{ exitCode: number; lines: string[] }> {
  const { images, dir } = built();
  const root = images.root(image);
  const taskDir = await mkdtemp(join(dir, `${image}-`));
  const lines: string[] = [];
  const sandbox = await startSandbox({
    argv: ['/bin/sh', '-c', script],
    env: { ...root.env, HOME: '/root', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/probe' },
    homeDir: root.homeTemplate,
    keepUnderRoot: [],
    binds: [{ source: root.binDir, target: IMAGE_BIN_MOUNT }],
    system: await taskSystemDir(root, join(taskDir, 'system')),
    network: { mode: 'host' },
    onOutput: (_stream, line) => lines.push(line),
  });
  const { exitCode } = await sandbox.exited;
  return { exitCode, lines };
}

/** The seed's fix as the profile-fix cells run it: a child with a clean environment reads PID 1's. */
const PROFILE_FIX = `env -i PATH="$PATH" sh -c 'export $(strings /proc/1/environ | grep AWS_CONTAINER_CREDENTIALS_RELATIVE_URI); echo "uri=$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"'`;
const INSTALL: Record<Exclude<ImageId, 'docker'>, string> = {
  amazonlinux: 'yum install -y binutils',
  python: 'apt-get update -qq && apt-get install -y -qq binutils',
  node: 'apt-get update -qq && apt-get install -y -qq binutils',
  golang: 'apt-get update -qq && apt-get install -y -qq binutils',
};

for (const image of ['amazonlinux', 'python', 'node'] as const) {
  test(`${image}: no strings until binutils is installed; the profile fix fails without it`, async () => {
    const without = await inTask(image, PROFILE_FIX);
    expect(without.lines.join('\n')).toMatch(/strings: (command )?not found/);
    expect(without.lines).toContain('uri=');
    const withBinutils = await inTask(image, `${INSTALL[image]} >/dev/null; ${PROFILE_FIX}`);
    expect(withBinutils.lines).toContain('uri=/v2/credentials/probe');
  });
}

test('each image has its own commands: bash in all, dnf only in Amazon Linux, apt-get and no curl in Debian', async () => {
  const al = await inTask('amazonlinux', 'command -v bash; command -v dnf; command -v apt-get || echo no-apt');
  expect(al.lines).toEqual(['/usr/bin/bash', '/usr/bin/dnf', 'no-apt']);
  const debian = await inTask(
    'python',
    'command -v bash; command -v apt-get; command -v dnf || echo no-dnf; command -v curl || echo no-curl',
  );
  expect(debian.lines).toEqual(['/usr/bin/bash', '/usr/bin/apt-get', 'no-dnf', 'no-curl']);
});

test('amazonlinux has no AWS CLI until awscli-2 is installed; the seed’s aws-cli leaves it without one', async () => {
  const before = await inTask('amazonlinux', 'command -v aws || echo no-aws');
  expect(before.lines).toEqual(['no-aws']);
  const seed = await inTask('amazonlinux', 'yum install -y aws-cli; aws --version');
  expect(seed.lines).toContain('No match for argument: aws-cli');
  expect(seed.lines.join('\n')).toMatch(/aws: (command )?not found/);
  expect(seed.exitCode).toBe(127);
  const installed = await inTask(
    'amazonlinux',
    'dnf install -y awscli-2 >/dev/null && command -v aws && aws --version',
  );
  expect(installed.lines[0]).toBe('/usr/bin/aws');
  expect(installed.lines[1]).toMatch(/^aws-cli\/2\./);
});
