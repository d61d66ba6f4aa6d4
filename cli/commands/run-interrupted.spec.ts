/**
 * A lab run started with the README's command line (`npx ecs-taskrole run …`), interrupted on every path a
 * signal takes — Ctrl-C to its process group, SIGTERM to npx (a cancelled CI job, `timeout`), SIGINT, SIGTERM
 * or SIGHUP to the run's own pid, and npx's shell dying under it — at deterministic points of its lifecycle:
 * while provisioning waits for its instance (an instance is in the journal) and while the cells run
 * (results.json exists). The run tears down by itself: exit 130, a line saying what it deleted, none of its
 * processes left, no tagged resource left; a lab it started is stopped (no process, no namespace), a lab it
 * found running stays up. SIGKILL cannot be handled: the journal it leaves lets `sweep --run ID` finish the
 * job, and the Playwright runner of a killed run stops by itself.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { RunJournal } from '../../infra/aws/journal.ts';
import { labSkipReason } from '../../lab/index.ts';
import { readRunState } from '../../run/files/run-state-file.ts';
import { runCli } from '../../testing/run-cli.ts';
import {
  alive,
  descendantsOf,
  labPrefix,
  leftoversAfter,
  type Phase,
  processTable,
  runDirs,
  runProcessOf,
  startRun,
  waitForPhase,
  withRunDirs,
} from './testing/interrupted-run.ts';

type Target = 'group' | 'npx' | 'run';
interface Case {
  signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP';
  to: Target;
  phase: Phase;
  labStartedByRun: boolean;
}
const CASES: Case[] = [
  { signal: 'SIGINT', to: 'group', phase: 'cells', labStartedByRun: true },
  { signal: 'SIGTERM', to: 'npx', phase: 'provisioning', labStartedByRun: true },
  { signal: 'SIGINT', to: 'run', phase: 'cells', labStartedByRun: false },
  { signal: 'SIGTERM', to: 'run', phase: 'provisioning', labStartedByRun: false },
  { signal: 'SIGHUP', to: 'run', phase: 'cells', labStartedByRun: true },
];

// A lab's start, two instances' boot, two cells and the teardown: about a minute on a quiet 2-core machine,
// several on a loaded one (the run's modules alone loaded in 25–58 s at load 24; instances were up 63–84 s
// after its start).
test.describe.configure({ mode: 'serial', timeout: 900_000 });

for (const { signal, to, phase, labStartedByRun } of CASES) {
  const lab = labStartedByRun ? 'a lab the run started is stopped' : 'a lab it found running stays up';
  test(`${signal} to the ${to === 'group' ? "npx's process group" : to} during ${phase}: exit 130, nothing left; ${lab}`, async () => {
    test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
    await withRunDirs(async (dirs) => {
      if (!labStartedByRun) expect((await runCli(['lab', 'up'], { env: dirs.env })).exitCode).toBe(0);
      const run = startRun(dirs, { via: 'npx' });
      expect(await waitForPhase(phase, dirs.out, run.exited, 480_000)).toBe('reached');
      const npx = run.child.pid ?? 0;
      const runPid = await runProcessOf(npx);
      // bash (the project's .npmrc) execs the command: the run is npx's own child, nothing in between.
      expect(runPid, 'the run process').toBeDefined();
      const pids = [npx, ...(await descendantsOf(npx))];
      const prefix = labPrefix(dirs.labDir);
      process.kill(to === 'group' ? -npx : to === 'npx' ? npx : (runPid ?? 0), signal);
      const { code, stdout, stderr } = await run.exited;

      expect(code, stderr).toBe(130);
      expect(stdout).toMatch(/teardown: deleted [1-9]\d* resource\(s\) of run \S+, nothing left/);
      // SIGTERM to npx reaches the run as npx passes it on.
      expect(stderr).toContain(`interrupted (${signal})`);
      expect(await leftoversAfter({ pids, labDir: dirs.labDir, prefix, labStartedByRun }, 20_000)).toEqual([]);
      if (!labStartedByRun) {
        const status = await runCli(['lab', 'status', '--json'], { env: dirs.env });
        expect(JSON.parse(status.stdout).state).toBe('running');
        const sweep = await runCli(['sweep', '--dry-run', '--older-than', '0s'], { env: dirs.env });
        expect(sweep.stdout).toContain('0 resource(s) to delete');
      }
    });
  });
}

test('npx through sh, SIGTERM to npx: its shell dies and npx with it, the reparented run tears down by itself', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withRunDirs(async (dirs) => {
    // npm's default script shell: `sh -c` stays between npx and the run, and dies of the SIGTERM npx passes on.
    const run = startRun(dirs, { via: 'npx', shell: 'sh' });
    expect(await waitForPhase('cells', dirs.out, run.exited, 480_000)).toBe('reached');
    const npx = run.child.pid ?? 0;
    const pids = [npx, ...(await descendantsOf(npx))];
    const prefix = labPrefix(dirs.labDir);
    process.kill(npx, 'SIGTERM');
    // `exited` waits for the output pipes, which the run holds until its teardown is done.
    const { signal, stdout, stderr } = await run.exited;

    expect(signal, 'npm re-raises the signal its shell died of').toBe('SIGTERM');
    expect(stderr).toContain('interrupted (launcher gone)');
    expect(stderr).toContain('interrupted by launcher gone; teardown done');
    expect(stdout).toMatch(/teardown: deleted [1-9]\d* resource\(s\) of run \S+, nothing left/);
    expect(await leftoversAfter({ pids, labDir: dirs.labDir, prefix, labStartedByRun: true }, 20_000)).toEqual([]);
  });
});

test('after SIGKILL of the whole run, the lab it started ends by itself with its resources: sweep --run has nothing left', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withRunDirs(async (dirs) => {
    const { labDir, out, env } = dirs;
    const run = startRun(dirs, { via: 'bin' });
    expect(await waitForPhase('cells', out, run.exited, 480_000)).toBe('reached');
    const pids = [run.child.pid ?? 0, ...(await descendantsOf(run.child.pid ?? 0))];
    const prefix = labPrefix(labDir);
    if (run.child.pid) process.kill(-run.child.pid, 'SIGKILL');
    // The run's Playwright runner (its own process group) stops by itself: it holds the output pipes till then.
    await run.exited;
    const journal = RunJournal.read(join(out, 'run-journal.json'));
    expect(journal?.pending().map((entry) => entry.kind)).toContain('instance');
    // Its resources lived only in that lab, whose daemons end once no holder is left (lab/system/lab-holders.ts).
    expect(await leftoversAfter({ pids, labDir, prefix, labStartedByRun: true }, 60_000)).toEqual([]);
    const sweep = await runCli(['sweep', '--run', journal?.runId ?? ''], { env });
    expect(sweep.exitCode, sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain('the lab is not running: no AWS resources to sweep');
  });
});

test('after SIGKILL of the run process alone, before its cells could start, its Playwright runner stops by itself', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const dirs = await runDirs();
  const { dir, labDir, out, env } = dirs;
  let cellProcesses: number[] = [];
  try {
    // This test holds the lab's lock: the run waits for it to open the lab, so its cells can never start.
    await mkdir(`${labDir}.runs`, { recursive: true });
    await writeFile(`${labDir}.runs/lock`, String(process.pid));
    const run = startRun(dirs, { via: 'bin' });
    // The run starts its runner while it opens the lab; the cells wait for the run's state.
    const runnerOf = async () =>
      (await processTable()).find((row) => row.ppid === run.child.pid && row.args.includes(' test '));
    await expect.poll(async () => (await runnerOf()) !== undefined, { timeout: 240_000, intervals: [20] }).toBe(true);
    const runner = await runnerOf();
    cellProcesses = [runner?.pid ?? 0, ...(await descendantsOf(runner?.pid ?? 0))];
    run.child.kill('SIGKILL');
    // Not `run.exited`: that waits for the output pipes, which the runner holds as long as it lives.
    await expect.poll(async () => alive([run.child.pid ?? 0]), { timeout: 10_000 }).toEqual([]);
    expect(readRunState({ outDir: out })).toBeUndefined();
    // Left alone, the cells would wait out their run-state limit for a run that is gone.
    await expect.poll(async () => alive(cellProcesses), { timeout: 60_000 }).toEqual([]);
  } finally {
    for (const pid of await alive(cellProcesses)) process.kill(pid, 'SIGKILL');
    await runCli(['lab', 'down'], { env });
    await rm(dir, { recursive: true, force: true });
  }
});
