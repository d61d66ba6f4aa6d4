/**
 * Randomized interruption check (by hand, not in `npm test`: about 20 lab runs, the better part of an hour
 * on a loaded 2-core machine): `npx node tools/interruption-check.ts [--runs 20] [--max-delay 100] [--seed N] [--paths SIGHUP]`.
 * Each run is the README's `npx ecs-taskrole run` on a two-cell matrix in a private lab the run starts,
 * interrupted on a random path (Ctrl-C to the group; SIGTERM to npx; SIGINT, SIGTERM or SIGHUP to the run's
 * pid) at a random moment from the bin's first statement (its module loading included; before it, Node's
 * own start is unguarded by any program: its length is printed), and is clean when npx exits 130, no process
 * the run's tree ever had is left, and the lab is gone (no state, process or namespace). Prints one line per run and the tally; exits 1 on
 * any run that was not clean.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  descendantsOf,
  labPrefix,
  leftoversAfter,
  runProcessOf,
  startRun,
  withRunDirs,
} from '../cli/commands/testing/interrupted-run.ts';

const PATHS = [
  { name: 'Ctrl-C to the group', signal: 'SIGINT', to: 'group' },
  { name: 'SIGTERM to npx', signal: 'SIGTERM', to: 'npx' },
  { name: 'SIGINT to the run', signal: 'SIGINT', to: 'run' },
  { name: 'SIGTERM to the run', signal: 'SIGTERM', to: 'run' },
  { name: 'SIGHUP to the run', signal: 'SIGHUP', to: 'run' },
] as const;
type Path = (typeof PATHS)[number];

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'max-delay': { type: 'string', default: '100' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    // Only the paths whose name contains this (e.g. `SIGHUP`), to chase one.
    paths: { type: 'string', default: '' },
  },
});
const paths = PATHS.filter((path) => path.name.includes(values.paths));
const wanted = Number(values.runs);
const maxDelayMs = Number(values['max-delay']) * 1000;
let seed = Number(values.seed);
/** A small seeded generator (mulberry32): a run can be repeated with its seed. */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

interface Outcome {
  path: string;
  delayMs: number;
  /** From the run process's exec to its first statement (Node's start): signals there have their default action. */
  unguardedMs: number;
  phase: string;
  code: number | null;
  signal: string | null;
  stopMs: number;
  leftovers: string[];
  /** The last lines the run printed on stderr (why a run was not clean). */
  stderrTail: string;
}

function oneRun(path: Path, delayMs: number): Promise<Outcome | 'ended first'> {
  return withRunDirs(async (dirs) => {
    const run = startRun(dirs, { via: 'npx' });
    const npx = run.child.pid ?? 0;
    let ended = false;
    void run.exited.then(() => {
      ended = true;
    });
    const tree = watchRunTree(npx, dirs.labDir);
    const { runPid, unguardedMs } = await runProcessGuarded(npx, () => ended);
    const started = Date.now();
    while (!ended && Date.now() - started < delayMs) await new Promise((resolve) => setTimeout(resolve, 20));
    const target = path.to === 'group' ? -npx : path.to === 'npx' ? npx : runPid;
    if (ended || target === undefined) {
      tree.stop();
      await run.exited;
      return 'ended first';
    }
    const phase = phaseOf(dirs.out);
    const signalled = Date.now();
    process.kill(target, path.signal);
    const { code, signal, stderr } = await run.exited;
    const stopMs = Date.now() - signalled;
    tree.stop();
    const found = await leftoversAfter(
      { pids: [...tree.pids], labDir: dirs.labDir, prefix: tree.prefix, labStartedByRun: true },
      20_000,
    );
    const stderrTail = stderr.trim().split('\n').slice(-4).join(' | ');
    return {
      path: path.name,
      delayMs: signalled - started,
      unguardedMs,
      phase,
      code,
      signal,
      stopMs,
      leftovers: found,
      stderrTail,
    };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process the run's tree ever had, and the lab's namespaces' prefix once known, until stopped. */
function watchRunTree(npx: number, labDir: string): { pids: Set<number>; prefix: string; stop(): void } {
  const tree = { pids: new Set<number>([npx]), prefix: 'no-data-plane', stop: () => clearInterval(watch) };
  const watch = setInterval(async () => {
    for (const pid of await descendantsOf(npx).catch(() => [])) tree.pids.add(pid);
    const known = labPrefix(labDir);
    if (known !== 'no-data-plane') tree.prefix = known;
  }, 300);
  return tree;
}

/**
 * The run process under npx, once it catches interruptions, and how long its Node start left them
 * unguarded (undefined pid: the run ended first).
 */
async function runProcessGuarded(
  npx: number,
  ended: () => boolean,
): Promise<{ runPid: number | undefined; unguardedMs: number }> {
  // The moment counts from the run process's start (npx takes seconds to start it on a loaded machine;
  // a signal before that interrupts npx, not a run).
  let runPid: number | undefined;
  while (!ended() && runPid === undefined) {
    runPid = await runProcessOf(npx);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Node's own start, before the bin's first statement holds the signals, cannot be guarded by any
  // program it runs (0.1–0.5 s on a loaded machine): the moment counts from when the run catches them.
  const seen = Date.now();
  while (!ended() && runPid !== undefined && !catchesInterruptions(runPid)) await sleep(5);
  return { runPid, unguardedMs: Date.now() - seen };
}

/** Whether the process has handlers for SIGHUP, SIGINT and SIGTERM (its caught-signals mask, bit n-1). */
function catchesInterruptions(pid: number): boolean {
  try {
    const mask = BigInt(`0x${/SigCgt:\s*([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0'}`);
    return [1n, 2n, 15n].every((signal) => (mask >> (signal - 1n)) & 1n);
  } catch {
    return false;
  }
}

/** Where the run was when it was signalled, from its files. */
function phaseOf(out: string): string {
  const exists = (file: string) => existsSync(join(out, file));
  if (exists('results.json')) return 'cells';
  if (exists('run-state.json')) return 'instances up';
  if (exists('run-journal.json')) return 'provisioning';
  if (exists('backend.json')) return 'lab up';
  return 'starting';
}

const outcomes: Outcome[] = [];
let endedFirst = 0;
process.stdout.write(`interruption check: ${wanted} runs, moments 0–${maxDelayMs / 1000} s, seed ${values.seed}\n`);
while (outcomes.length < wanted && endedFirst < wanted) {
  const path = paths[Math.floor(random() * paths.length)] as Path;
  const delayMs = Math.round(random() * maxDelayMs);
  const outcome = await oneRun(path, delayMs);
  if (outcome === 'ended first') {
    endedFirst += 1;
    process.stdout.write(`  (${path.name} at ${delayMs / 1000} s: the run ended first, not counted)\n`);
    continue;
  }
  outcomes.push(outcome);
  const clean = outcome.code === 130 && outcome.leftovers.length === 0;
  process.stdout.write(
    `${String(outcomes.length).padStart(2)} ${clean ? 'clean' : 'NOT CLEAN'}  ${outcome.path} at ${(outcome.delayMs / 1000).toFixed(1)} s (${outcome.phase}): ` +
      `npx exit ${outcome.code ?? outcome.signal} (Node's start ${(outcome.unguardedMs / 1000).toFixed(2)} s before that), stopped and torn down in ${(outcome.stopMs / 1000).toFixed(1)} s` +
      `${outcome.leftovers.length > 0 ? `; left: ${outcome.leftovers.join('; ')}` : ''}` +
      `${clean ? '' : `\n     its stderr ended: ${outcome.stderrTail}`}\n`,
  );
}
const clean = outcomes.filter((outcome) => outcome.code === 130 && outcome.leftovers.length === 0).length;
const stops = outcomes.map((outcome) => outcome.stopMs).sort((a, b) => a - b);
const median = stops[Math.floor(stops.length / 2)] ?? 0;
process.stdout.write(
  `${clean}/${outcomes.length} clean (${endedFirst} ended before their signal); stop + teardown median ${(median / 1000).toFixed(1)} s, max ${((stops.at(-1) ?? 0) / 1000).toFixed(1)} s\n`,
);
process.exitCode = clean === outcomes.length && outcomes.length > 0 ? 0 : 1;
