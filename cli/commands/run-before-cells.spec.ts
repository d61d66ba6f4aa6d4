/**
 * `run` failing before its first cell: no cell selected (refused before the lab starts), and no AWS
 * credentials (said as such, nothing created). Neither needs a lab nor reaches the network: the lab
 * directory is a fresh one that must stay empty, and the AWS runs have no credentials, no config, no
 * instance metadata and an endpoint on a closed local port.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runCli } from '../../testing/run-cli.ts';

let dir = '';
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-run-before-cells-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** No AWS_* of the machine's, an empty HOME (no ~/.aws), IMDS off, any request to a closed port. */
function withoutAws(): Record<string, string | undefined> {
  const cleared = Object.fromEntries(
    Object.keys(process.env)
      .filter((key) => /^AWS_/.test(key))
      .map((key) => [key, undefined]),
  );
  return {
    ...cleared,
    HOME: join(dir, 'home'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    ECS_TASKROLE_LAB_DIR: join(dir, 'lab'),
  };
}

const labDir = () => join(dir, 'lab');
const labStarted = () => existsSync(labDir()) && readdirSync(labDir()).length > 0;

test('a --grep that selects no cell: exit 2 naming the grep and the matrix; the lab never starts, nothing written', async () => {
  const out = join(dir, 'out');
  const result = await runCli(['run', '--grep', '^nomatch$', '--out', out], { env: withoutAws() });
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain('error: bad input (nothing was created)');
  expect(result.stderr).toContain('--grep "^nomatch$" selects none of the 77 cells of matrix "default"');
  expect(result.stderr).toContain('fixtures/matrices/default.yaml');
  expect(result.stderr).toContain('--pass-with-no-tests');
  expect(result.stdout).not.toContain('No tests found');
  expect(labStarted()).toBe(false);
  expect(existsSync(join(out, 'plan.json'))).toBe(false);
});

test('a shard past the matrix instance groups: exit 2 naming the shard and how many shards get cells', async () => {
  const matrix = join(dir, 'small.yaml');
  await writeFile(matrix, 'name: small\nvary:\n  network: [host]\n');
  const result = await runCli(['run', '--matrix', matrix, '--shard', '3/3', '--out', join(dir, 'out'), '--json'], {
    env: withoutAws(),
  });
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain(`${matrix}: --shard 3/3 selects none of the 2 cells of matrix "small"`);
  expect(result.stderr).toContain('so at most 1 shard(s) get cells');
  // --json: the document on this exit too.
  expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 2, error: { kind: 'bad-input' } });
  expect(labStarted()).toBe(false);
});

test('--pass-with-no-tests: no cell selected exits 0 at once, the lab never started', async () => {
  const result = await runCli(['run', '--grep', '^nomatch$', '--pass-with-no-tests', '--out', join(dir, 'out')], {
    env: withoutAws(),
  });
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain('no cell selected (--grep "^nomatch$"): nothing run, nothing created');
  expect(labStarted()).toBe(false);
});

test('no AWS credentials: exit 3 saying so and that nothing was created; --json prints the document', async () => {
  const out = join(dir, 'out');
  const result = await runCli(['run', '--backend', 'aws', '--grep', '^baseline$', '--out', out, '--json'], {
    env: withoutAws(),
  });
  expect(result.exitCode).toBe(3);
  expect(result.stderr).toContain('error: infrastructure failure: no AWS credentials found');
  expect(result.stderr).toContain('nothing was created');
  expect(result.stderr).toContain('aws sts get-caller-identity');
  expect(result.stderr).toContain('created nothing, nothing to delete');
  expect(result.stderr).not.toContain('left');
  expect(result.stderr).not.toContain('sweep --');
  expect(result.stderr).not.toContain('unexpected failure');
  const document = JSON.parse(result.stdout) as Record<string, unknown>;
  expect(document).toMatchObject({
    runId: expect.stringMatching(/^r/),
    exitCode: 3,
    error: { kind: 'infrastructure', message: expect.stringContaining('no AWS credentials found') },
    teardown: { deleted: 0, leftovers: [], nothingCreated: true },
  });
});

test('sweep --backend aws with no credentials: exit 3 saying so and that nothing was touched', async () => {
  const result = await runCli(['sweep', '--backend', 'aws', '--run', 'rmxdh6n2uf9d1'], { env: withoutAws() });
  expect(result.exitCode).toBe(3);
  expect(result.stderr).toContain('error: infrastructure failure: no AWS credentials found');
  expect(result.stderr).toContain('nothing was looked up or deleted');
  expect(result.stderr).not.toContain('unexpected failure');
});
