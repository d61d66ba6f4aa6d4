/**
 * Sharded runs on the lab: each shard provisions only its own instance groups (half of them for 2 shards),
 * and the shards' blob reports merged with the project's reporter give the cells and verdicts of one
 * unsharded run.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { labSkipReason } from '../../lab/index.ts';
import { runCli } from '../../testing/run-cli.ts';
import { runResults, withPrivateLab } from './testing/private-lab.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Four instance groups (the default one holds two cells): two per shard.
const MATRIX = `name: shards
baseline: {}
vary:
  ami: [al2-ecs, al1-ecs]
  instanceRolePolicy: [list-tasks]
  client: [sdk-js-v3]
`;

test.describe.configure({ timeout: 900_000 });

test('two shards provision two of four instances each; merged, they give the verdicts of one run', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withPrivateLab('etr-shard-', async ({ dir, env }) => {
    const matrix = join(dir, 'matrix.yaml');
    await writeFile(matrix, MATRIX);
    const blobs = join(dir, 'blobs');
    await mkdir(blobs);
    for (const shard of ['1/2', '2/2']) {
      const out = join(dir, `shard-${shard[0]}`);
      const blobDir = join(out, 'blob');
      const run = await runCli(['run', '--matrix', matrix, '--shard', shard, '--out', out], {
        env: { ...env, PLAYWRIGHT_BLOB_OUTPUT_DIR: blobDir },
      });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/\[run\] \d+ cells, 2 instances on lab/);
      const zip = `report-${shard[0]}-of-2.zip`;
      await copyFile(join(blobDir, zip), join(blobs, zip));
    }
    const merged = join(dir, 'merged');
    const merge = await execa(
      process.execPath,
      [playwrightCli(), 'merge-reports', '--reporter', './reports/reporter.ts', blobs],
      {
        cwd: ROOT,
        env: { ECS_TASKROLE_OUT: merged },
        reject: false,
      },
    );
    expect(merge.exitCode, String(merge.stderr)).toBe(0);

    const whole = join(dir, 'whole');
    const run = await runCli(['run', '--matrix', matrix, '--out', whole], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\[run\] 5 cells, 4 instances on lab/);
    expect(await verdicts(merged)).toEqual(await verdicts(whole));
  });
});

async function verdicts(out: string): Promise<string[]> {
  const { results } = await runResults(out);
  return results.cells.map((cell) => `${cell.id} ${cell.actual.outcome} ${cell.verdict}`).sort();
}

function playwrightCli(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@playwright/test/package.json')), 'cli.js');
}
