/**
 * A lab run started the way the README starts it (`npx ecs-taskrole run …`) or through the bin alone, in a
 * private lab and output directory, and what it leaves once interrupted: shared by the interruption specs
 * (cli/commands/) and the randomized check (tools/interruption-check.ts). Plain data, no assertions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { RunJournal } from '../../../infra/aws/journal.ts';
import { readLabState } from '../../../lab/index.ts';
import { type PrivateLab, privateLab, withPrivateLab } from './private-lab.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(PROJECT_ROOT, 'bin/ecs-taskrole.js');
/** Two cells, two instances. The plain-AMI cell's client retries an unreachable endpoint for ~19 s. */
export const SMALL_MATRIX_GREP = '^(baseline|ami=al2023-plain,hostRules=none)$';

export type RunDirs = PrivateLab;

/** A private lab and output directory for one interrupted run (the environment: this process's, and the lab's folder). */
export const runDirs = (): Promise<RunDirs> => privateLab('etr-interrupt-', process.env);

/** `body` with a private lab and output directory; afterwards that lab is stopped (`lab down`) and the folder removed. */
export const withRunDirs = <T>(body: (dirs: RunDirs) => Promise<T>): Promise<T> =>
  withPrivateLab('etr-interrupt-', body, process.env);

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface StartedRun {
  /** The process started: npx, or the run itself. Leader of its own process group (a terminal's job). */
  child: ChildProcess;
  /** Once it exited and every process holding its output pipes (the run, its runner) is gone. */
  exited: Promise<Ended>;
}

/**
 * `via: 'npx'` is the README's command line, in the project's folder (its .npmrc applies); `shell` names
 * the shell npx starts it through (npm's `script-shell`), `sh` being npm's own default.
 */
export function startRun(
  dirs: RunDirs,
  options: { via: 'npx' | 'bin'; shell?: 'bash' | 'sh'; grep?: string },
): StartedRun {
  const args = ['run', '--grep', options.grep ?? SMALL_MATRIX_GREP, '--out', dirs.out];
  const env = { ...dirs.env, ...(options.shell ? { npm_config_script_shell: options.shell } : {}) };
  const child =
    options.via === 'npx'
      ? spawn('npx', ['ecs-taskrole', ...args], {
          cwd: PROJECT_ROOT,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, [BIN, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<Ended>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

export type Phase = 'provisioning' | 'cells';

/**
 * Provisioning: an instance is journaled (the run waits for its agent). Cells: the reporter wrote
 * results.json. `ended` once the run ended first; `late` after `timeoutMs`.
 */
export async function waitForPhase(
  phase: Phase,
  out: string,
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<'reached' | 'ended' | 'late'> {
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  const reached = () => {
    if (phase === 'cells') return existsSync(join(out, 'results.json'));
    const journal = existsSync(join(out, 'run-journal.json')) && RunJournal.read(join(out, 'run-journal.json'));
    return !!journal && journal.pending().some((entry) => entry.kind === 'instance' && entry.id);
  };
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(20)) {
    if (ended) return 'ended';
    if (reached()) return 'reached';
  }
  return 'late';
}

/** The `ecs-taskrole run` process under `launcher` (npx, its shell), or the launcher itself. */
export async function runProcessOf(launcher: number): Promise<number | undefined> {
  const table = await processTable();
  const chain = [launcher, ...descendantsIn(table, launcher)];
  return chain.find((pid) => {
    const args = table.find((row) => row.pid === pid)?.args ?? '';
    // The bin by its path (…/.bin/ecs-taskrole, bin/ecs-taskrole.js): npx's own first command line,
    // `node /usr/bin/npx ecs-taskrole run …` before npm names its process `npm exec …`, is not the run.
    return /\/ecs-taskrole(\.js)? run /.test(args) && !/^(ba)?sh /.test(args);
  });
}

/** The lab's network namespaces (other specs' labs may run beside this one). */
export function labPrefix(labDir: string): string {
  return readLabState(labDir)?.dataPlane?.prefix ?? 'no-data-plane';
}

/**
 * What an interrupted run left, as lines (none: clean): its processes (the launcher's whole tree, by pid),
 * lab processes naming the lab's directory, the lab's namespaces and state when the run started the lab.
 */
export async function leftovers(options: {
  pids: number[];
  labDir: string;
  prefix: string;
  labStartedByRun: boolean;
}): Promise<string[]> {
  const table = await processTable();
  const found = table
    .filter((row) => options.pids.includes(row.pid) && !row.args.startsWith('['))
    .map((row) => `process ${row.pid} of the run: ${row.args}`);
  if (!options.labStartedByRun) return [...found, ...(await namespaces(`${options.prefix}-i-`)).map(ns)];
  if (readLabState(options.labDir)) found.push(`lab state in ${options.labDir}`);
  found.push(...table.filter((row) => row.args.includes(options.labDir)).map((row) => `lab process: ${row.args}`));
  found.push(...(await namespaces(options.prefix)).map(ns));
  return found;
}

/** Polls `leftovers` until none are left or `timeoutMs` passed (processes take a moment to be reaped). */
export async function leftoversAfter(options: Parameters<typeof leftovers>[0], timeoutMs: number): Promise<string[]> {
  for (const deadline = Date.now() + timeoutMs; ; await sleep(250)) {
    const found = await leftovers(options);
    if (found.length === 0 || Date.now() > deadline) return found;
  }
}

const ns = (name: string) => `network namespace ${name}`;

export async function namespaces(prefix: string): Promise<string[]> {
  const { stdout } = await execa('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.split(' ')[0] ?? line);
}

export interface ProcessRow {
  pid: number;
  ppid: number;
  args: string;
}

export async function processTable(): Promise<ProcessRow[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,ppid=,args=']);
  return stdout.split('\n').flatMap((line) => {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    return match ? [{ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }] : [];
  });
}

export async function descendantsOf(pid: number): Promise<number[]> {
  return descendantsIn(await processTable(), pid);
}

function descendantsIn(table: ProcessRow[], pid: number): number[] {
  const found: number[] = [];
  for (let parents = [pid]; parents.length > 0; ) {
    parents = table.filter((row) => parents.includes(row.ppid)).map((row) => row.pid);
    found.push(...parents);
  }
  return found;
}

export async function alive(pids: number[]): Promise<number[]> {
  const table = new Set((await processTable()).map((row) => row.pid));
  return pids.filter((pid) => table.has(pid));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
