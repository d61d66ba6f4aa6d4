import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { runCli } from '../../testing/run-cli.ts';

test('plan --json on the default matrix: ≥30 cells, ≥7 outcome classes, fewer instances than cells', async () => {
  const { exitCode, stdout } = await runCli(['plan', '--json']);
  expect(exitCode).toBe(0);
  const plan = JSON.parse(stdout) as {
    cells: { id: string; dimensions: Record<string, string>; expected: { outcome: string; rule: string } }[];
    instanceGroups: { id: string; cells: string[] }[];
  };
  expect(plan.cells.length).toBeGreaterThanOrEqual(30);
  expect(new Set(plan.cells.map((cell) => cell.expected.outcome)).size).toBeGreaterThanOrEqual(7);
  expect(plan.instanceGroups.length).toBeLessThan(plan.cells.length);
  expect(plan.instanceGroups.flatMap((group) => group.cells).sort()).toEqual(plan.cells.map((c) => c.id).sort());
  expect(plan.cells[0]).toMatchObject({
    id: 'baseline',
    expected: { outcome: 'TASK_ROLE', rule: 'known-good' },
  });
});

test('plan prints cells, instance groups and totals', async () => {
  const { exitCode, stdout } = await runCli(['plan']);
  expect(exitCode).toBe(0);
  expect(stdout).toMatch(/^ {2}baseline +TASK_ROLE +known-good$/m);
  expect(stdout).toContain('instance groups (one container instance each):');
  expect(stdout).toMatch(/^\d+ cells, \d+ instances, \d+ expected outcome classes$/m);
});

test('a bad matrix exits 2 with one line per problem naming file, path and accepted values', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-plan-'));
  try {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'cells:\n  - { network: hots }\n  - { colour: red }\n');
    const { exitCode, stdout, stderr } = await runCli(['plan', '--matrix', file]);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}: cells[0].network: "hots" is not a network value; accepted: bridge, host`);
    expect(stderr).toContain(`${file}: cells[1].colour: unknown dimension "colour"`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--help works on the program and on plan', async () => {
  const top = await runCli(['--help']);
  expect(top.exitCode).toBe(0);
  expect(top.stdout).toContain('plan');
  const plan = await runCli(['plan', '--help']);
  expect(plan.exitCode).toBe(0);
  expect(plan.stdout).toContain('--matrix <file>');
});

test('an unknown command or option is a usage error (exit 2)', async () => {
  expect((await runCli(['plna'])).exitCode).toBe(2);
  expect((await runCli(['plan', '--jsn'])).exitCode).toBe(2);
});

test('plan --json into a pipe that is read late: the whole document (more than the 64 KiB a pipe holds)', async () => {
  const bin = fileURLToPath(new URL('../../bin/ecs-taskrole.js', import.meta.url));
  // The reader starts after a second, so the pipe is full while the CLI exits: an exit before stdout drains
  // cut the document at 65,536 bytes.
  const { stdout } = await execa('sh', ['-c', '"$0" "$1" plan --json | { sleep 1; cat; }', process.execPath, bin]);
  expect(stdout.length).toBeGreaterThan(65_536);
  expect(() => JSON.parse(stdout)).not.toThrow();
});
