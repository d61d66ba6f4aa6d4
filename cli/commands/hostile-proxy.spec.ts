/**
 * Hostile proxy URLs where a user gives one: the matrix file (`plan`, and so `run`) and
 * ECS_TASKROLE_PROXY_URL (`run --backend aws`). Each is exit 2 with one message naming where it came from
 * and what is accepted, without the value (it may hold a password), before anything exists: no --out
 * directory, not one AWS request (the request log stays absent).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { HOSTILE_PROXY_URLS } from '../../core/input/testing/hostile-proxy-urls.ts';
import { runInProcess } from './testing/hostile-input/run-in-process.ts';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-hostile-proxy-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectRefusal(run: { exitCode: number; stdout: string; stderr: string }, where: string, secret?: string) {
  expect(run.exitCode, run.stderr.slice(0, 1000)).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines[0]).toBe('error: bad input (nothing was created)');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(where);
  expect(lines[1]).toMatch(/http:\/\/HOST\[:PORT\]|without credentials/);
  if (secret) expect(run.stderr).not.toContain(secret);
  expect(run.stderr).not.toContain('etr-pwned');
}

for (const hostile of HOSTILE_PROXY_URLS) {
  test(`matrix proxyUrl, ${hostile.id} → exit 2`, async () => {
    const matrix = join(dir, 'm.yaml');
    await writeFile(matrix, `vary: { agentProxy: [none, with-no-proxy] }\nproxyUrl: ${JSON.stringify(hostile.url)}\n`);
    const out = join(dir, 'out');
    expectRefusal(await runInProcess(['plan', '--matrix', matrix]), 'proxyUrl', hostile.secret);
    const run = await runInProcess(['run', '--backend', 'aws', '--matrix', matrix, '--out', out]);
    expectRefusal(run, 'proxyUrl', hostile.secret);
    expect(existsSync(out)).toBe(false);
  });

  test(`ECS_TASKROLE_PROXY_URL, ${hostile.id} → exit 2 before any AWS request`, async () => {
    test.skip(hostile.fileOnly === true, 'an environment variable cannot hold it');
    const out = join(dir, 'out');
    const requests = join(dir, 'requests.jsonl');
    const saved = { proxy: process.env.ECS_TASKROLE_PROXY_URL, log: process.env.ECS_TASKROLE_REQUEST_LOG };
    process.env.ECS_TASKROLE_PROXY_URL = hostile.url;
    process.env.ECS_TASKROLE_REQUEST_LOG = requests;
    try {
      const run = await runInProcess(['run', '--backend', 'aws', '--out', out]);
      expectRefusal(run, 'environment: ECS_TASKROLE_PROXY_URL', hostile.secret);
    } finally {
      for (const [name, value] of [
        ['ECS_TASKROLE_PROXY_URL', saved.proxy],
        ['ECS_TASKROLE_REQUEST_LOG', saved.log],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(await readdir(dir)).toEqual([]);
  });
}
