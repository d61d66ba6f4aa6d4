/**
 * The main job on the lab: `ecs-taskrole run` on the default matrix with 1, 2 and the default number of
 * workers (each run starts and stops its own lab). Prints wall time, per-cell harness overhead (cell wall
 * time minus the task's own run time, ECS startedAt → stoppedAt) and the speed-up. Targets on 2 cores:
 * default matrix < 90 s (default workers), overhead < 300 ms per cell, 2 workers ≥ 1.6× faster than 1.
 * `npm run bench -- default-matrix --workers 2` runs one setting.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { RunResults } from '../core/results/results-schema.ts';
import { defaultWorkers } from '../run/run-config.ts';

const BIN = fileURLToPath(new URL('../bin/ecs-taskrole.js', import.meta.url));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const workersArg = process.argv.indexOf('--workers');
const settings = workersArg > 0 ? [Number(process.argv[workersArg + 1])] : [...new Set([1, 2, defaultWorkers()])];

const walls = new Map<number, number>();
for (const workers of settings) {
  const dir = await mkdtemp(join(tmpdir(), 'etr-bench-run-'));
  try {
    const env = { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') };
    const started = performance.now();
    const run = await execa(process.execPath, [BIN, 'run', '--workers', String(workers), '--out', join(dir, 'out')], {
      env,
      reject: false,
    });
    const wall = performance.now() - started;
    walls.set(workers, wall);
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as RunResults;
    const overheads = results.cells
      .filter((cell) => cell.details.taskRunMs !== undefined)
      .map((cell) => cell.durationMs - (cell.details.taskRunMs ?? 0));
    const passed = results.cells.filter((cell) => cell.verdict === 'pass').length;
    process.stdout.write(
      `${workers} worker(s)${workers === defaultWorkers() ? ' (the default)' : ''}: default matrix ` +
        `${(wall / 1000).toFixed(1)} s wall, exit ${run.exitCode}, ` +
        `${passed}/${results.cells.length} cells as expected\n` +
        `  per-cell harness overhead: median ${median(overheads).toFixed(0)} ms over ${overheads.length} cells ` +
        `that ran a task (target < 300 ms); max ${Math.max(...overheads).toFixed(0)} ms\n`,
    );
  } finally {
    await execa(process.execPath, [BIN, 'lab', 'down'], {
      env: { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') },
      reject: false,
    });
    await rm(dir, { recursive: true, force: true });
  }
}
const one = walls.get(1);
const two = walls.get(2);
if (one && two) process.stdout.write(`2 workers vs 1: ${(one / two).toFixed(2)}× faster (target ≥ 1.6×)\n`);
const byDefault = walls.get(defaultWorkers());
if (byDefault) {
  process.stdout.write(`default (${defaultWorkers()} workers): ${(byDefault / 1000).toFixed(1)} s (target < 90 s)\n`);
}
