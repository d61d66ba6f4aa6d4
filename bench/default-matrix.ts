/**
 * The main job on the lab: `ecs-taskrole run` on the default matrix with 1, 2 and the default number of
 * workers (each run starts and stops its own lab; the default run is given no --workers, so `run` measures
 * this machine's CPU headroom itself, and the figures name the workers it chose). Prints, per run: wall time and its ratio to the floor
 * (the tasks' own run times, ECS startedAt → stoppedAt, summed and divided by the workers), the per-cell
 * harness overhead (cell wall time minus its task's run time: p50/p90/max), and the run's steps (lab up,
 * provisioning, cells, teardown; the cells start with the run, so the first three overlap); with
 * `--repeat N`, each setting N times and the medians; and the run's CPU time by part (harness, lab, clients:
 * cpu-sample.ts; the lab's split into moto, agents and the rest of the data plane), which says what a
 * machine's wall time was spent on. Targets on 2 cores: wall/floor ≤ 1.3 and overhead median ≤ 300 ms at the
 * default workers: `npm run bench -- default-matrix --workers default --repeat 3` on a quiet machine
 * (`--workers 4` measures a fixed count). After each run it checks that no process of the run's lab is left
 * (its own lab folder on their command lines), and says so and stops them if one is.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runResultsSchema } from '../core/results/results-schema.ts';
import { sampleCpuHeadroom } from '../infra/system/cpu-headroom.ts';
import { LAB_QUIET_REGISTRATION_MS, labProfile } from '../lab/index.ts';
import { defaultWorkers } from '../run/backends.ts';
import { readRunConfigFile, runConfigFile } from '../run/files/run-config-file.ts';
import { readTimings } from '../run/files/timings-file.ts';
import { sampleCpu } from './cpu-sample.ts';
import { labProcessesOf, stopLeftovers } from './lab-leftovers.ts';
import { BENCH_OUT, median, percentile, recordFigures } from './record.ts';

const BIN = fileURLToPath(new URL('../bin/ecs-taskrole.js', import.meta.url));
const optionText = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const option = (name: string) => {
  const text = optionText(name);
  return text === undefined ? undefined : Number(text);
};
type Setting = number | 'default';
const workersOption = optionText('--workers');
const settings: Setting[] =
  workersOption === 'default' ? ['default'] : workersOption ? [Number(workersOption)] : [1, 2, 'default'];
const headroom = await sampleCpuHeadroom();
process.stdout.write(
  `this machine now: ${headroom.cores} cores, ${headroom.busyCores.toFixed(2)} busy (${headroom.source}): ` +
    `the default workers on the lab would be ${await defaultWorkers()} (one per idle core, at most 8)\n`,
);
const repeat = Math.max(1, option('--repeat') ?? 1);
const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`;

/** One `ecs-taskrole run` of the default matrix with its own lab, and what its files say. */
async function measure(setting: Setting) {
  const dir = await mkdtemp(join(tmpdir(), 'etr-bench-run-'));
  const labDir = join(dir, 'lab');
  const env = { ECS_TASKROLE_LAB_DIR: labDir };
  try {
    const started = performance.now();
    const out = join(dir, 'out');
    const workersArgs = setting === 'default' ? [] : ['--workers', String(setting)];
    const running = execa(process.execPath, [BIN, 'run', ...workersArgs, '--out', out], { env, reject: false });
    const sampler = sampleCpu(running.pid ?? 0);
    const run = await running;
    const cpu = sampler.stop();
    const wallMs = Math.round(performance.now() - started);
    const results = runResultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    const steps = readTimings({ outDir: out });
    const workers = readRunConfigFile(runConfigFile({ outDir: out })).workers ?? 0;
    const ran = results.cells.filter((cell) => cell.details.taskRunMs !== undefined);
    const overheads = ran.map((cell) => cell.durationMs - (cell.details.taskRunMs ?? 0));
    const floorMs = Math.round(ran.reduce((total, cell) => total + (cell.details.taskRunMs ?? 0), 0) / workers);
    const passed = results.cells.filter((cell) => cell.verdict === 'pass').length;
    const overhead = { p50: median(overheads), p90: percentile(overheads, 0.9), max: Math.max(0, ...overheads) };
    const ratio = Number((wallMs / floorMs).toFixed(2));
    process.stdout.write(
      `${workers} worker(s)${setting === 'default' ? ' (the default, as run measured it)' : ''}: ${seconds(wallMs)} wall, ` +
        `floor ${seconds(floorMs)}, wall/floor ${ratio.toFixed(2)} (target ≤ 1.3), exit ${run.exitCode}, ` +
        `${passed}/${results.cells.length} cells as expected\n` +
        `  per-cell overhead over ${overheads.length} cells: p50 ${overhead.p50} ms (target ≤ 300), ` +
        `p90 ${overhead.p90} ms, max ${overhead.max} ms\n` +
        `  steps: lab up ${seconds(steps.openMs)}, provisioning ${seconds(steps.provisionMs)} (with the reboots), ` +
        `cells ${seconds(steps.cellsMs)} (from the run's start: they overlap the two before), ` +
        `teardown ${seconds(steps.teardownMs)}, lab down ${seconds(steps.closeMs)}\n` +
        `  CPU time: harness ${seconds(cpu.harness)}, lab ${seconds(cpu.lab)} (moto ${seconds(cpu.labShares.moto)}, ` +
        `agents ${seconds(cpu.labShares.agents)}, the rest of the data plane ${seconds(cpu.labShares.dataPlane)}), ` +
        `clients ${seconds(cpu.clients)}, unattributed ${seconds(cpu.unattributed)} (short-lived processes); ` +
        `total ${seconds(cpu.total)} = ${seconds(cpu.total / Math.max(1, results.cells.length))} a cell, ` +
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
    return { workers, wallMs, floorMs, ratio, overhead, steps, cpu, passed, cells: results.cells.length };
  } finally {
    const down = await execa(process.execPath, [BIN, 'lab', 'down'], { env, reject: false });
    if (down.exitCode !== 0) process.stdout.write(`  lab down failed (exit ${down.exitCode}): ${down.stderr}\n`);
    // The run said it stopped its lab: a process of it still running is a bug to see, not to leave behind.
    const leftovers = await stopLeftovers(labDir);
    if (leftovers.length > 0) {
      process.stdout.write(`  LEFT RUNNING after the run and lab down (now stopped): pids ${leftovers.join(', ')}\n`);
    }
    if (labProcessesOf(labDir).length === 0) await rm(dir, { recursive: true, force: true });
    else process.stdout.write(`  kept ${dir}: processes of its lab are still running\n`);
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
for (const setting of settings) {
  const runs = [];
  for (let round = 0; round < repeat; round += 1) runs.push(await measure(setting));
  const medians = {
    ratio: median(runs.map((run) => run.ratio)),
    wallMs: median(runs.map((run) => run.wallMs)),
    overheadP50: median(runs.map((run) => run.overhead.p50)),
  };
  if (repeat > 1) {
    process.stdout.write(
      `${setting} worker(s), median of ${repeat} (${runs.map((run) => run.workers).join(', ')}): wall/floor ${medians.ratio.toFixed(2)}, wall ${seconds(medians.wallMs)}, ` +
        `per-cell overhead p50 ${medians.overheadP50} ms\n`,
    );
  }
  figures[`workers=${setting}`] = { medians, runs };
}
recordFigures('default-matrix', figures);
