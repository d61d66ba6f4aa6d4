import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { syntheticResults } from '../../reports/testing/synthetic-results.ts';
import { runCli } from '../../testing/run-cli.ts';

/** Every command this file covers (`run` documents itself in run.ts). */
const COMMANDS = [
  ['plan'],
  ['report'],
  ['diff'],
  ['sweep'],
  ['policy'],
  ['lab'],
  ['lab', 'up'],
  ['lab', 'status'],
  ['lab', 'down'],
];

for (const command of COMMANDS) {
  test(`\`${command.join(' ')} --help\` lists environment variables, exit codes and an example`, async () => {
    const { exitCode, stdout } = await runCli([...command, '--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Environment variables:\n  ');
    expect(stdout).toContain('ECS_TASKROLE_DEBUG');
    expect(stdout).toMatch(/Exit codes:\n {2}0 {2}\S/);
    expect(stdout).toMatch(new RegExp(`Examples?:\\n {2}\\$ ecs-taskrole ${command.join(' ')}`));
  });
}

test('sweep --help names the variables it reads', async () => {
  const { stdout } = await runCli(['sweep', '--help']);
  for (const name of ['AWS_REGION', 'ECS_TASKROLE_LAB_DIR', 'ECS_TASKROLE_LOCALSTACK_ENDPOINT']) {
    expect(stdout).toContain(name);
  }
});

test('a usage error is one line and a hint, with "did you mean" for a close option name; exit 2', async () => {
  const { exitCode, stderr } = await runCli(['plan', '--jsno']);
  expect(exitCode).toBe(2);
  expect(stderr).toBe("error: unknown option '--jsno'\n(Did you mean --json?)\n(add --help for usage)");
  const missing = await runCli(['diff', 'only-one.json']);
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr).toBe("error: missing required argument 'candidate'\n(add --help for usage)");
});

test('report --json prints the files it wrote as one document', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-conventions-'));
  try {
    const file = join(dir, 'results.json');
    const results = syntheticResults();
    await writeFile(file, JSON.stringify(results));
    const { exitCode, stdout } = await runCli(['report', file, '--json']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      html: join(dir, 'report.html'),
      junit: join(dir, 'junit.xml'),
      summary: join(dir, 'summary.md'),
      runs: 1,
      reported: results.run.runId,
      leftOut: [],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sweep --json on a lab that is not running is one document (nothing to sweep)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-conventions-lab-'));
  try {
    const { exitCode, stdout, stderr } = await runCli(['sweep', '--json', '--dry-run'], {
      env: { ...process.env, ECS_TASKROLE_LAB_DIR: dir } as Record<string, string>,
    });
    expect(exitCode, stderr).toBe(0);
    const document = JSON.parse(stdout);
    expect(document).toMatchObject({ dryRun: true, labRunning: false, deleted: [], leftAlone: [], failed: [] });
    expect(Array.isArray(document.removedLabNetworks)).toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
