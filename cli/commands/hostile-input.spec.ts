/**
 * Every malformed input a user (or an attacker's file) can hand to `plan`, `report` or `diff`: exit 2,
 * one capped message naming the file, the place and the limit, no stack trace, nothing written. Inputs
 * are made in a temp dir at test time. The giant cases (they once took gigabytes, hung or overflowed the
 * stack) run in a child process whose heap is capped, so "bounded memory" is what the child proves.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { MAX_PROBLEM_LINES } from '../../core/errors.ts';
import { runCli } from '../../testing/run-cli.ts';
import type { HostileCase } from './testing/hostile-input/hostile-case.ts';
import { MATRIX_CASES } from './testing/hostile-input/matrix-cases.ts';
import { RESULTS_CASES } from './testing/hostile-input/results-cases.ts';
import { runInProcess } from './testing/hostile-input/run-in-process.ts';

/** The giant cases' heap: far below what they took before the limits (4.2 GB for the 50 MB matrix). */
const GIANT_HEAP_MB = 160;
const MAX_LINE_CHARS = 1_200;

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-hostile-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CASES: HostileCase[] = [...MATRIX_CASES, ...RESULTS_CASES];

test('the table covers at least 40 malformed inputs', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(40);
  expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
});

for (const hostile of CASES) {
  test(`${hostile.giant ? '[giant] ' : ''}${hostile.id} → exit 2, one capped message`, async () => {
    const { args, file } = await hostile.setup(dir);
    const before = await readdir(dir);
    const run = hostile.giant
      ? await runCli(args, { env: { NODE_OPTIONS: `--max-old-space-size=${GIANT_HEAP_MB}` } })
      : await runInProcess(args);
    expect(run.exitCode, run.stderr.slice(0, 2000)).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    if (!hostile.usage) {
      expect(lines[0]).toBe('error: bad input (nothing was created)');
      expect(lines.length).toBeLessThanOrEqual(MAX_PROBLEM_LINES + 2);
      if (file) expect(lines[1]).toContain(file);
    }
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
    expect(run.stderr).toMatch(hostile.expect);
    expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control character reaches the terminal.
    expect(run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e\u2067]/);
    // Nothing was created: no report, no output directory beside the inputs.
    expect(await readdir(dir)).toEqual(before);
  });
}
