import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';

const BIN = fileURLToPath(new URL('../../bin/ecs-taskrole.js', import.meta.url));
const HOOK = fileURLToPath(new URL('../../testing/heavy-modules.ts', import.meta.url));

async function heavyModulesOf(args: string[]): Promise<string> {
  const result = await execa(process.execPath, ['--import', HOOK, BIN, ...args], { reject: false, stdin: 'ignore' });
  return /heavy modules: (.*)/.exec(String(result.stderr))?.[1] ?? `no report (exit ${result.exitCode})`;
}

for (const args of [['--help'], ['--version'], ['plan'], ['report', '--help'], ['diff', '--help']]) {
  test(`\`${args.join(' ')}\` loads neither the AWS SDK, Playwright, testcontainers nor execa`, async () => {
    expect(await heavyModulesOf(args)).toBe('none');
  });
}

test('the hook sees them when a command needs them (`sweep --help` loads the AWS SDK)', async () => {
  expect(await heavyModulesOf(['sweep', '--help'])).toContain('@aws-sdk/client-ec2');
});

test('an unknown command is named with the closest one, exit 2', async () => {
  const result = await execa(process.execPath, [BIN, 'swep'], { reject: false, stdin: 'ignore' });
  expect(result.exitCode).toBe(2);
  expect(String(result.stderr)).toContain("unknown command 'swep'");
  expect(String(result.stderr)).toContain('Did you mean sweep?');
});

test('--version prints the package version', async () => {
  const result = await execa(process.execPath, [BIN, '--version'], { reject: false, stdin: 'ignore' });
  expect(result.exitCode).toBe(0);
  expect(String(result.stdout).trim()).toMatch(/^\d+\.\d+\.\d+/);
});
