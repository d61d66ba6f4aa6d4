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
 *
 * `--lab-agent real` measures the real ECS agent (`run --lab-agent real`; its build must be cached or its
 * source reachable: ECS_TASKROLE_AGENT_SOURCES), `--lab-agent model,real` both, one after the other, and
 * prints the real agent's wall time and memory per instance beside the model's. Every run also prints
 * each instance's memory and CPU (instance-memory.ts): its agent, its Docker engine under the real agent,
 * its tasks and the lab's host services. `--grep REGEXP` narrows the matrix as `run --grep` does (a real
 * agent's full matrix takes most of an hour on a busy 2-core machine).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { type RunResults, runResultsSchema } from '../core/results/results-schema.ts';
import { LAB_AGENTS, type LabAgent } from '../core/run-config.ts';
import { sampleCpuHeadroom } from '../infra/system/cpu-headroom.ts';
import { LAB_QUIET_REGISTRATION_MS, labProfile, realAgentLabProfile } from '../lab/index.ts';
import { defaultWorkers } from '../run/backends.ts';
import { readRunConfigFile, runConfigFile } from '../run/files/run-config-file.ts';
import { type RunTimings, readTimings } from '../run/files/timings-file.ts';
import { type CpuBreakdown, sampleCpu } from './cpu-sample.ts';
import { type InstanceFigures, instancesLine, megabytes, sampleInstances } from './instance-memory.ts';
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
const grep = optionText('--grep');
const agents = labAgentsOption(optionText('--lab-agent') ?? 'model');

/** `--lab-agent`: one agent or a comma-separated list, each measured in turn. */
function labAgentsOption(text: string): LabAgent[] {
  const named = text.split(',');
  const unknown = named.filter((name) => !(LAB_AGENTS as readonly string[]).includes(name));
  if (unknown.length > 0 || named.length === 0) {
    process.stderr.write(`--lab-agent: "${text}" is not ${LAB_AGENTS.join(', ')} or a comma-separated list of them\n`);
    process.exit(2);
  }
  return [...new Set(named as LabAgent[])];
}
const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`;

/** What one run of the matrix gave: its figures, and each instance's memory and CPU. */
interface Measured {
  agent: LabAgent;
  workers: number;
  wallMs: number;
  floorMs: number;
  ratio: number;
  overhead: { cells: number; p50: number; p90: number; max: number };
  steps: RunTimings;
  cpu: CpuBreakdown;
  instances: InstanceFigures[];
  passed: number;
  cells: number;
}

/** One `ecs-taskrole run` of the default matrix with its own lab, and what its files say. */
async function measure(agent: LabAgent, setting: Setting): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'etr-bench-run-'));
  const labDir = join(dir, 'lab');
  const env = { ECS_TASKROLE_LAB_DIR: labDir };
  try {
    const started = performance.now();
    const out = join(dir, 'out');
    const workersArgs = setting === 'default' ? [] : ['--workers', String(setting)];
    const grepArgs = grep === undefined ? [] : ['--grep', grep];
    const args = [BIN, 'run', '--lab-agent', agent, ...workersArgs, ...grepArgs, '--out', out];
    const running = execa(process.execPath, args, { env, reject: false });
    const sampler = sampleCpu(running.pid ?? 0);
    const instanceSampler = sampleInstances(labDir);
    const run = await running;
    const cpu = sampler.stop();
    const instances = instanceSampler.stop();
    const wallMs = Math.round(performance.now() - started);
    const results = runResultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    const workers = readRunConfigFile(runConfigFile({ outDir: out })).workers ?? 0;
    const ran = results.cells.filter((cell) => cell.details.taskRunMs !== undefined);
    const overheads = ran.map((cell) => cell.durationMs - (cell.details.taskRunMs ?? 0));
    const floorMs = Math.round(ran.reduce((total, cell) => total + (cell.details.taskRunMs ?? 0), 0) / workers);
    const passed = results.cells.filter((cell) => cell.verdict === 'pass').length;
    const overhead = {
      cells: overheads.length,
      p50: median(overheads),
      p90: percentile(overheads, 0.9),
      max: Math.max(0, ...overheads),
    };
    const ratio = Number((wallMs / floorMs).toFixed(2));
    const steps = readTimings({ outDir: out });
    const measured = { agent, workers, wallMs, floorMs, ratio, overhead, steps, cpu, instances, passed };
    printRun({ ...measured, cells: results.cells.length }, setting, run);
    await explainFailures(results, out);
    return { ...measured, cells: results.cells.length };
  } finally {
    await stopBenchLab(env, labDir, dir);
  }
}

function printRun(run: Measured, setting: Setting, runProcess: { exitCode?: number; stdout: string }): void {
  const { cpu, steps, overhead } = run;
  process.stdout.write(
    `${run.agent} agent, ${run.workers} worker(s)${setting === 'default' ? ' (the default, as run measured it)' : ''}: ` +
      `${seconds(run.wallMs)} wall, floor ${seconds(run.floorMs)}, wall/floor ${run.ratio.toFixed(2)} (target ≤ 1.3), ` +
      `exit ${runProcess.exitCode}, ${run.passed}/${run.cells} cells as expected\n` +
      `  per-cell overhead over ${overhead.cells} cells: p50 ${overhead.p50} ms (target ≤ 300), ` +
      `p90 ${overhead.p90} ms, max ${overhead.max} ms\n` +
      `  steps: lab up ${seconds(steps.openMs)}, provisioning ${seconds(steps.provisionMs)} (with the reboots), ` +
      `cells ${seconds(steps.cellsMs)} (from the run's start: they overlap the two before), ` +
      `teardown ${seconds(steps.teardownMs)}, lab down ${seconds(steps.closeMs)}\n` +
      `  CPU time: harness ${seconds(cpu.harness)}, lab ${seconds(cpu.lab)} (moto ${seconds(cpu.labShares.moto)}, ` +
      `agents ${seconds(cpu.labShares.agents)}, the rest of the data plane ${seconds(cpu.labShares.dataPlane)}), ` +
      `clients ${seconds(cpu.clients)}, unattributed ${seconds(cpu.unattributed)} (short-lived processes); ` +
      `total ${seconds(cpu.total)} = ${seconds(cpu.total / Math.max(1, run.cells))} a cell, ` +
      `${(cpu.total / run.wallMs).toFixed(2)} cores busy on average over the wall time\n` +
      `  ${instancesLine(run.instances)}\n` +
      `  ${registrationLine(runProcess.stdout, run.agent)}\n`,
  );
}

/** A figure from a run that was not all as expected needs its why: which cells, and what decided them. */
async function explainFailures(results: RunResults, out: string): Promise<void> {
  const failed = results.cells.filter((candidate) => candidate.verdict !== 'pass');
  for (const cell of failed) {
    process.stdout.write(
      `  not as expected: ${cell.id}: ${cell.verdict}, ${JSON.stringify(cell.actual).slice(0, 600)}\n`,
    );
  }
  if (failed.length === 0) return;
  const kept = join(BENCH_OUT, `default-matrix-results-${new Date().toISOString().replaceAll(':', '')}.json`);
  await mkdir(BENCH_OUT, { recursive: true });
  await copyFile(join(out, 'results.json'), kept);
  process.stdout.write(`  its results.json: ${kept}\n`);
}

/** `lab down`, then whatever of the run's lab is still running (a bug to see, not to leave behind). */
async function stopBenchLab(env: Record<string, string>, labDir: string, dir: string): Promise<void> {
  const down = await execa(process.execPath, [BIN, 'lab', 'down'], { env, reject: false });
  if (down.exitCode !== 0) process.stdout.write(`  lab down failed (exit ${down.exitCode}): ${down.stderr}\n`);
  const leftovers = await stopLeftovers(labDir);
  if (leftovers.length > 0) {
    process.stdout.write(`  LEFT RUNNING after the run and lab down (now stopped): pids ${leftovers.join(', ')}\n`);
  }
  if (labProcessesOf(labDir).length === 0) await rm(dir, { recursive: true, force: true });
  else process.stdout.write(`  kept ${dir}: processes of its lab are still running\n`);
}

/**
 * The rebooted groups' registrations, from the run's log (infra/aws/provision.ts): the slowest against the
 * lab's limit (lab/lab-profile.ts registrationLimitMs; the real agent's is fixed), each wait having its own.
 */
function registrationLine(stdout: string, agent: LabAgent): string {
  const slowest = (pattern: RegExp) => Math.max(0, ...[...stdout.matchAll(pattern)].map((match) => Number(match[1])));
  const first = slowest(/registered (\d+\.\d) s after the launches/g);
  const again = slowest(/registered again (\d+\.\d) s after its reboot/g);
  const limit =
    agent === 'real'
      ? `${realAgentLabProfile.registrationTimeoutMs / 1000} s`
      : `${LAB_QUIET_REGISTRATION_MS / 1000} s on a quiet machine, scaled by the load per core, at most ${labProfile.registrationTimeoutMs / 1000} s`;
  return (
    `rebooted groups: slowest registration ${first} s after the launches, ${again} s after its reboot ` +
    `(the limit: ${limit})`
  );
}

/** Both agents measured at one setting: the real agent's figures beside the model's. */
function comparisonLine(setting: Setting, model: Measured, real: Measured): string {
  const peaks = (run: Measured) => run.instances.map((instance) => instance.peakBytes);
  const times = (a: number, b: number) => (a > 0 ? `${(b / a).toFixed(1)}×` : 'n/a');
  return (
    `model vs real agent, ${setting} worker(s) (medians): wall ${seconds(model.wallMs)} vs ${seconds(real.wallMs)} ` +
    `(${times(model.wallMs, real.wallMs)}); memory per instance ${megabytes(median(peaks(model)))} vs ` +
    `${megabytes(median(peaks(real)))} (${times(median(peaks(model)), median(peaks(real)))}), largest ` +
    `${megabytes(Math.max(0, ...peaks(model)))} vs ${megabytes(Math.max(0, ...peaks(real)))}; cells as expected ` +
    `${model.passed}/${model.cells} vs ${real.passed}/${real.cells}\n`
  );
}

const figures: Record<string, unknown> = {};
for (const setting of settings) {
  const measured = new Map<LabAgent, Measured>();
  for (const agent of agents) {
    const runs: Measured[] = [];
    for (let round = 0; round < repeat; round += 1) runs.push(await measure(agent, setting));
    const medians = {
      ratio: median(runs.map((run) => run.ratio)),
      wallMs: median(runs.map((run) => run.wallMs)),
      overheadP50: median(runs.map((run) => run.overhead.p50)),
      instancePeakBytes: median(runs.flatMap((run) => run.instances.map((instance) => instance.peakBytes))),
    };
    if (repeat > 1) {
      process.stdout.write(
        `${agent} agent, ${setting} worker(s), median of ${repeat} (${runs.map((run) => run.workers).join(', ')}): ` +
          `wall/floor ${medians.ratio.toFixed(2)}, wall ${seconds(medians.wallMs)}, per-cell overhead p50 ` +
          `${medians.overheadP50} ms, memory per instance ${megabytes(medians.instancePeakBytes)}\n`,
      );
    }
    // The model's keys stay as they were, so figures recorded before the real agent compare.
    figures[agent === 'model' ? `workers=${setting}` : `${agent} workers=${setting}`] = { medians, runs };
    const middle = runs[Math.floor((runs.length - 1) / 2)];
    if (middle) measured.set(agent, middle);
  }
  const model = measured.get('model');
  const real = measured.get('real');
  if (model && real) process.stdout.write(comparisonLine(setting, model, real));
}
recordFigures('default-matrix', figures);
