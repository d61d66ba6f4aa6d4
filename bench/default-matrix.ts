/**
 * The main job on the lab: `ecs-taskrole run` on the default matrix with 1, 2 and the default number of
 * workers (each run starts and stops its own lab). Prints, per setting: wall time and its ratio to the
 * floor (the tasks' own run times, ECS startedAt → stoppedAt, summed and divided by the workers), the
 * per-cell harness overhead (cell wall time minus its task's run time: p50/p90/max), and the run's steps
 * (lab up, provisioning, cells, teardown; the cells start with the run, so the first three overlap). Targets on 2 cores: wall/floor ≤ 1.3 and overhead median
 * ≤ 300 ms at the default workers. `npm run bench -- default-matrix --workers 2` runs one setting.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runResultsSchema } from '../core/results/results-schema.ts';
import { defaultWorkers } from '../run/run-config.ts';
import { runTimingsSchema } from '../run/timings.ts';
import { median, percentile, recordFigures } from './record.ts';

const BIN = fileURLToPath(new URL('../bin/ecs-taskrole.js', import.meta.url));
const workersArg = process.argv.indexOf('--workers');
const settings = workersArg > 0 ? [Number(process.argv[workersArg + 1])] : [...new Set([1, 2, defaultWorkers()])];
const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`;

const figures: Record<string, unknown> = {};
for (const workers of settings) {
  const dir = await mkdtemp(join(tmpdir(), 'etr-bench-run-'));
  const env = { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') };
  try {
    const started = performance.now();
    const out = join(dir, 'out');
    const run = await execa(process.execPath, [BIN, 'run', '--workers', String(workers), '--out', out], {
      env,
      reject: false,
    });
    const wall = performance.now() - started;
    const results = runResultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    const steps = runTimingsSchema.parse(JSON.parse(await readFile(join(out, 'run-timings.json'), 'utf8')));
    const ran = results.cells.filter((cell) => cell.details.taskRunMs !== undefined);
    const overheads = ran.map((cell) => cell.durationMs - (cell.details.taskRunMs ?? 0));
    const floor = ran.reduce((total, cell) => total + (cell.details.taskRunMs ?? 0), 0) / workers;
    const passed = results.cells.filter((cell) => cell.verdict === 'pass').length;
    const overhead = { p50: median(overheads), p90: percentile(overheads, 0.9), max: Math.max(0, ...overheads) };
    figures[`workers=${workers}`] = { wallMs: Math.round(wall), floorMs: Math.round(floor), overhead, steps, passed };
    process.stdout.write(
      `${workers} worker(s)${workers === defaultWorkers() ? ' (the default)' : ''}: ${seconds(wall)} wall, ` +
        `floor ${seconds(floor)}, wall/floor ${(wall / floor).toFixed(2)} (target ≤ 1.3), exit ${run.exitCode}, ` +
        `${passed}/${results.cells.length} cells as expected\n` +
        `  per-cell overhead over ${overheads.length} cells: p50 ${overhead.p50} ms (target ≤ 300), ` +
        `p90 ${overhead.p90} ms, max ${overhead.max} ms\n` +
        `  steps: lab up ${seconds(steps.openMs)}, provisioning ${seconds(steps.provisionMs)} (with the reboots), ` +
        `cells ${seconds(steps.cellsMs)} (from the run's start: they overlap the two before), ` +
        `teardown ${seconds(steps.teardownMs)}, lab down ${seconds(steps.closeMs)}\n`,
    );
  } finally {
    await execa(process.execPath, [BIN, 'lab', 'down'], { env, reject: false });
    await rm(dir, { recursive: true, force: true });
  }
}
recordFigures('default-matrix', figures);
