/**
 * The main job on the lab: `ecs-taskrole run` on the default matrix with 1, 2 and the default number of
 * workers (each run starts and stops its own lab). Prints, per run: wall time and its ratio to the floor
 * (the tasks' own run times, ECS startedAt → stoppedAt, summed and divided by the workers), the per-cell
 * harness overhead (cell wall time minus its task's run time: p50/p90/max), and the run's steps (lab up,
 * provisioning, cells, teardown; the cells start with the run, so the first three overlap); with
 * `--repeat N`, each setting N times and the medians; and the run's CPU time by part (harness, lab, clients:
 * cpu-sample.ts), which says what a machine's wall time was spent on. Targets on 2 cores: wall/floor ≤ 1.3 and overhead
 * median ≤ 300 ms at the default workers. `npm run bench -- default-matrix --workers 4 --repeat 3`.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runResultsSchema } from '../core/results/results-schema.ts';
import { LAB_QUIET_REGISTRATION_MS, labProfile } from '../lab/index.ts';
import { readTimings } from '../run/files/timings-file.ts';
import { defaultWorkers } from '../run/run-config.ts';
import { sampleCpu } from './cpu-sample.ts';
import { BENCH_OUT, median, percentile, recordFigures } from './record.ts';

const BIN = fileURLToPath(new URL('../bin/ecs-taskrole.js', import.meta.url));
const option = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : undefined;
};
const workersOption = option('--workers');
const settings = workersOption ? [workersOption] : [...new Set([1, 2, defaultWorkers()])];
const repeat = Math.max(1, option('--repeat') ?? 1);
const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`;

/** One `ecs-taskrole run` of the default matrix with its own lab, and what its files say. */
async function measure(workers: number) {
  const dir = await mkdtemp(join(tmpdir(), 'etr-bench-run-'));
  const env = { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') };
  try {
    const started = performance.now();
    const out = join(dir, 'out');
    const running = execa(process.execPath, [BIN, 'run', '--workers', String(workers), '--out', out], {
      env,
      reject: false,
    });
    const sampler = sampleCpu(running.pid ?? 0);
    const run = await running;
    const cpu = sampler.stop();
    const wallMs = Math.round(performance.now() - started);
    const results = runResultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    const steps = readTimings({ outDir: out });
    const ran = results.cells.filter((cell) => cell.details.taskRunMs !== undefined);
    const overheads = ran.map((cell) => cell.durationMs - (cell.details.taskRunMs ?? 0));
    const floorMs = Math.round(ran.reduce((total, cell) => total + (cell.details.taskRunMs ?? 0), 0) / workers);
    const passed = results.cells.filter((cell) => cell.verdict === 'pass').length;
    const overhead = { p50: median(overheads), p90: percentile(overheads, 0.9), max: Math.max(0, ...overheads) };
    const ratio = Number((wallMs / floorMs).toFixed(2));
    process.stdout.write(
      `${workers} worker(s)${workers === defaultWorkers() ? ' (the default)' : ''}: ${seconds(wallMs)} wall, ` +
        `floor ${seconds(floorMs)}, wall/floor ${ratio.toFixed(2)} (target ≤ 1.3), exit ${run.exitCode}, ` +
        `${passed}/${results.cells.length} cells as expected\n` +
        `  per-cell overhead over ${overheads.length} cells: p50 ${overhead.p50} ms (target ≤ 300), ` +
        `p90 ${overhead.p90} ms, max ${overhead.max} ms\n` +
        `  steps: lab up ${seconds(steps.openMs)}, provisioning ${seconds(steps.provisionMs)} (with the reboots), ` +
        `cells ${seconds(steps.cellsMs)} (from the run's start: they overlap the two before), ` +
        `teardown ${seconds(steps.teardownMs)}, lab down ${seconds(steps.closeMs)}\n` +
        `  CPU time: harness ${seconds(cpu.harness)}, lab ${seconds(cpu.lab)}, clients ${seconds(cpu.clients)}, ` +
        `unattributed ${seconds(cpu.unattributed)} (short-lived processes); total ${seconds(cpu.total)} = ` +
        `${(cpu.total / wallMs).toFixed(2)} cores busy on average over the wall time\n`,
    );
    process.stdout.write(`  ${registrationLine(run.stdout)}\n`);
    // A figure from a run that was not all as expected needs its why: which cells, and what decided them.
    for (const cell of results.cells.filter((candidate) => candidate.verdict !== 'pass')) {
      process.stdout.write(
        `  not as expected: ${cell.id}: ${cell.verdict}, ${JSON.stringify(cell.actual).slice(0, 600)}\n`,
      );
    }
    if (passed < results.cells.length) {
      const kept = join(BENCH_OUT, `default-matrix-results-${new Date().toISOString().replaceAll(':', '')}.json`);
      await mkdir(BENCH_OUT, { recursive: true });
      await copyFile(join(out, 'results.json'), kept);
      process.stdout.write(`  its results.json: ${kept}\n`);
    }
    return { wallMs, floorMs, ratio, overhead, steps, cpu, passed, cells: results.cells.length };
  } finally {
    await execa(process.execPath, [BIN, 'lab', 'down'], { env, reject: false });
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The rebooted groups' registrations, from the run's log (infra/aws/provision.ts): the slowest against the
 * lab's limit (lab/lab-profile.ts registrationLimitMs), each wait having its own.
 */
function registrationLine(stdout: string): string {
  const slowest = (pattern: RegExp) => Math.max(0, ...[...stdout.matchAll(pattern)].map((match) => Number(match[1])));
  const first = slowest(/registered (\d+\.\d) s after the launches/g);
  const again = slowest(/registered again (\d+\.\d) s after its reboot/g);
  const quiet = LAB_QUIET_REGISTRATION_MS / 1000;
  const most = labProfile.registrationTimeoutMs / 1000;
  return (
    `rebooted groups: slowest registration ${first} s after the launches, ${again} s after its reboot ` +
    `(the limit: ${quiet} s on a quiet machine, scaled by the load per core, at most ${most} s)`
  );
}

const figures: Record<string, unknown> = {};
for (const workers of settings) {
  const runs = [];
  for (let round = 0; round < repeat; round += 1) runs.push(await measure(workers));
  const medians = {
    ratio: median(runs.map((run) => run.ratio)),
    wallMs: median(runs.map((run) => run.wallMs)),
    overheadP50: median(runs.map((run) => run.overhead.p50)),
  };
  if (repeat > 1) {
    process.stdout.write(
      `${workers} worker(s), median of ${repeat}: wall/floor ${medians.ratio.toFixed(2)}, wall ${seconds(medians.wallMs)}, ` +
        `per-cell overhead p50 ${medians.overheadP50} ms\n`,
    );
  }
  figures[`workers=${workers}`] = { medians, runs };
}
recordFigures('default-matrix', figures);
