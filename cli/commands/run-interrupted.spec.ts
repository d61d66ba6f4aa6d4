/**
 * A lab run interrupted at deterministic points of its lifecycle — while provisioning waits for its
 * instance (an instance is in the journal) and while the cells run (results.json exists) — by SIGINT to its
 * process group (Ctrl-C) or SIGTERM to the `run` process alone. The run tears down by itself: exit 130,
 * a line saying what it deleted, no tagged resource left; a lab it started is stopped (no process, no
 * namespace), a lab it found running stays up. SIGKILL cannot be handled: the journal it leaves lets
 * `sweep --run ID` finish the job, and the Playwright runner of a killed run stops by itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { RunJournal } from '../../infra/backends/journal.ts';
import { labSkipReason, readLabState } from '../../infra/lab/index.ts';
import { readRunState } from '../../run/run-state.ts';
import { runCli } from '../../testing/run-cli.ts';

const BIN = fileURLToPath(new URL('../../bin/ecs-taskrole.js', import.meta.url));
// The plain-AMI cell's client retries an unreachable endpoint for ~19 s: the cells are still running when
// the signal arrives.
const CELLS = '^(baseline|ami=al2023-plain,hostRules=none)$';

type Phase = 'provisioning' | 'cells';
const CASES: { phase: Phase; signal: 'SIGINT' | 'SIGTERM'; labStartedByRun: boolean }[] = [
  { phase: 'provisioning', signal: 'SIGINT', labStartedByRun: true },
  { phase: 'cells', signal: 'SIGTERM', labStartedByRun: true },
  { phase: 'provisioning', signal: 'SIGTERM', labStartedByRun: false },
  { phase: 'cells', signal: 'SIGINT', labStartedByRun: false },
];

test.describe.configure({ mode: 'serial', timeout: 240_000 });

for (const { phase, signal, labStartedByRun } of CASES) {
  const lab = labStartedByRun ? 'a lab the run started is stopped' : 'a lab it found running stays up';
  test(`${signal} during ${phase}: the run tears down by itself, exit 130; ${lab}`, async () => {
    test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
    const { dir, labDir, out, env } = await runDirs();
    try {
      if (!labStartedByRun) expect((await runCli(['lab', 'up'], { env })).exitCode).toBe(0);
      const run = startRun(out, env);
      await reached(phase, out, run.exited);
      const prefix = readLabState(labDir)?.dataPlane?.prefix ?? 'no-data-plane';
      if (signal === 'SIGINT' && run.child.pid) process.kill(-run.child.pid, 'SIGINT');
      else run.child.kill('SIGTERM');
      const { code, stdout, stderr } = await run.exited;

      expect(code, stderr).toBe(130);
      expect(stdout).toMatch(/teardown: deleted [1-9]\d* resource\(s\) of run \S+, nothing left/);
      expect(stderr).toContain(`interrupted (${signal})`);
      if (labStartedByRun) {
        await expectNothingLeft(labDir, prefix);
      } else {
        const status = await runCli(['lab', 'status', '--json'], { env });
        expect(JSON.parse(status.stdout).state).toBe('running');
        const sweep = await runCli(['sweep', '--dry-run', '--older-than', '0s'], { env });
        expect(sweep.stdout).toContain('0 resource(s) to delete');
        await expect.poll(() => namespaces(`${prefix}-i-`), { timeout: 20_000 }).toEqual([]);
      }
    } finally {
      await runCli(['lab', 'down'], { env });
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('after SIGKILL of the whole run, its journal names the run and sweep --run finishes the teardown', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const { dir, labDir, out, env } = await runDirs();
  try {
    const run = startRun(out, env);
    await reached('cells', out, run.exited);
    const prefix = readLabState(labDir)?.dataPlane?.prefix ?? 'no-data-plane';
    if (run.child.pid) process.kill(-run.child.pid, 'SIGKILL');
    await run.exited;
    const journal = RunJournal.read(join(out, 'run-journal.json'));
    expect(journal?.pending().map((entry) => entry.kind)).toContain('instance');
    const sweep = await runCli(['sweep', '--run', journal?.runId ?? ''], { env });
    expect(sweep.exitCode, sweep.stderr).toBe(0);
    const again = await runCli(['sweep', '--dry-run', '--run', journal?.runId ?? ''], { env });
    expect(again.stdout).toContain('0 resource(s) to delete');
    expect((await runCli(['lab', 'down'], { env })).exitCode).toBe(0);
    await expectNothingLeft(labDir, prefix);
  } finally {
    await runCli(['lab', 'down'], { env });
    await rm(dir, { recursive: true, force: true });
  }
});

test('after SIGKILL of the run process alone, before its cells could start, its Playwright runner stops by itself', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const { dir, labDir, out, env } = await runDirs();
  let cellProcesses: number[] = [];
  try {
    // This test holds the lab's lock: the run waits for it to open the lab, so its cells can never start.
    await mkdir(`${labDir}.runs`, { recursive: true });
    await writeFile(`${labDir}.runs/lock`, String(process.pid));
    const run = startRun(out, env);
    // The run starts its runner while it opens the lab; the cells wait for the run's state.
    const runnerOf = async () =>
      (await processTable()).find((row) => row.ppid === run.child.pid && row.args.includes(' test '));
    await expect.poll(async () => (await runnerOf()) !== undefined, { timeout: 60_000, intervals: [20] }).toBe(true);
    const runner = await runnerOf();
    cellProcesses = [runner?.pid ?? 0, ...(await descendantsOf(runner?.pid ?? 0))];
    run.child.kill('SIGKILL');
    // Not `run.exited`: that waits for the output pipes, which the runner holds as long as it lives.
    await expect.poll(async () => alive([run.child.pid ?? 0]), { timeout: 10_000 }).toEqual([]);
    expect(readRunState({ outDir: out })).toBeUndefined();
    // Left alone, the cells would wait out their run-state limit for a run that is gone.
    await expect.poll(async () => alive(cellProcesses), { timeout: 30_000 }).toEqual([]);
  } finally {
    for (const pid of await alive(cellProcesses)) process.kill(pid, 'SIGKILL');
    await runCli(['lab', 'down'], { env });
    await rm(dir, { recursive: true, force: true });
  }
});

/** A private lab and output directory for one interrupted run. */
async function runDirs() {
  const dir = await mkdtemp(join(tmpdir(), 'etr-interrupt-'));
  const labDir = join(dir, 'lab');
  const env = { ...process.env, ECS_TASKROLE_LAB_DIR: labDir } as Record<string, string>;
  return { dir, labDir, out: join(dir, 'out'), env };
}

function startRun(out: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'run', '--grep', CELLS, '--out', out], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

/** Provisioning: an instance is journaled (the run waits for its agent). Cells: the reporter wrote results.json. */
async function reached(phase: Phase, out: string, exited: Promise<{ stderr: string }>): Promise<void> {
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  const isThere = () => {
    if (phase === 'cells') return existsSync(join(out, 'results.json'));
    const journal = existsSync(join(out, 'run-journal.json')) && RunJournal.read(join(out, 'run-journal.json'));
    return !!journal && journal.pending().some((entry) => entry.kind === 'instance' && entry.id);
  };
  await expect.poll(() => (ended ? 'ended' : isThere()), { timeout: 120_000, intervals: [20] }).toBe(true);
}

/** No state, no process naming the lab's directory, no namespace of its network (other specs' labs may run). */
async function expectNothingLeft(labDir: string, prefix: string): Promise<void> {
  expect(readLabState(labDir)).toBeUndefined();
  await expect.poll(() => processesOf(labDir), { timeout: 10_000 }).toEqual([]);
  expect(await namespaces(prefix)).toEqual([]);
}

/** Lab processes name their lab directory on their command line. */
async function processesOf(labDir: string): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,args=']);
  return stdout.split('\n').filter((line) => line.includes(labDir));
}

async function namespaces(prefix: string): Promise<string[]> {
  const { stdout } = await execa('ip', ['netns', 'list']);
  return stdout.split('\n').filter((line) => line.startsWith(prefix));
}

async function processTable(): Promise<{ pid: number; ppid: number; args: string }[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,ppid=,args=']);
  return stdout.split('\n').flatMap((line) => {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    return match ? [{ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }] : [];
  });
}

async function descendantsOf(pid: number): Promise<number[]> {
  const table = await processTable();
  const found: number[] = [];
  for (let parents = [pid]; parents.length > 0; ) {
    parents = table.filter((row) => parents.includes(row.ppid)).map((row) => row.pid);
    found.push(...parents);
  }
  return found;
}

async function alive(pids: number[]): Promise<number[]> {
  const table = new Set((await processTable()).map((row) => row.pid));
  return pids.filter((pid) => table.has(pid));
}
