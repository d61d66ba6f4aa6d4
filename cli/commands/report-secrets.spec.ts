/**
 * A hostile results file (every secret format in every field) rendered by `report` and `diff`: no
 * secret in any file they write or anything they print. The reporter redacts at write time; these
 * commands redact again, since a results file may come from anywhere.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { leakyResults, SECRET_FORMATS } from '../../reports/redact/testing/secret-formats.ts';
import { runCli } from '../../testing/run-cli.ts';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-secrets-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectNoSecret(texts: Record<string, string>) {
  for (const [where, text] of Object.entries(texts)) {
    for (const { format, secret } of SECRET_FORMATS) {
      expect.soft(text.includes(secret), `${format} in ${where}`).toBe(false);
    }
  }
}

async function filesIn(out: string): Promise<Record<string, string>> {
  const names = await readdir(out);
  return Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await readFile(join(out, name), 'utf8')])),
  );
}

test('report renders a hostile results file without any secret in report.html, junit.xml or summary.md', async () => {
  const file = join(dir, 'leaky.json');
  await writeFile(file, JSON.stringify(leakyResults()));
  const out = join(dir, 'out');
  const run = await runCli(['report', file, '--out', out]);
  expect(run.exitCode, run.stderr).toBe(0);
  const files = await filesIn(out);
  expect(Object.keys(files).sort()).toEqual(['junit.xml', 'report.html', 'summary.md']);
  expect(files['report.html']).toContain('[redacted]');
  await expectNoSecret({ ...files, stdout: run.stdout, stderr: run.stderr });
});

test('diff of hostile results prints and writes no secret', async () => {
  // diff matches cells by configuration: each hostile cell gets one of its own (rpsLimit is free-form).
  const hostile = leakyResults();
  const leaky = {
    ...hostile,
    cells: hostile.cells.map((cell, index) => ({
      ...cell,
      dimensions: { ...cell.dimensions, rpsLimit: `${index + 1},${index + 1}` },
    })),
  };
  const baseline = join(dir, 'base.json');
  const candidate = join(dir, 'cand.json');
  await writeFile(
    baseline,
    JSON.stringify({
      ...leaky,
      cells: leaky.cells.map((cell) => ({
        ...cell,
        verdict: 'pass',
        actual: { ...cell.actual, outcome: cell.expected.outcome },
      })),
    }),
  );
  await writeFile(candidate, JSON.stringify(leaky));
  const out = join(dir, 'diff');
  const run = await runCli(['diff', baseline, candidate, '--out', out]);
  expect(run.exitCode, run.stderr).toBe(1);
  const json = await runCli(['diff', baseline, candidate, '--json']);
  await expectNoSecret({ ...(await filesIn(out)), stdout: run.stdout, stderr: run.stderr, json: json.stdout });
});
