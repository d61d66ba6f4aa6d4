import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, type ReporterDescription } from '@playwright/test';
import { moduleFile } from './infra/files/module-file.ts';
import { backendProfile } from './run/backends.ts';
import { isConformanceRun } from './run/env/conformance.ts';
import { lifecycleOwnedByCli } from './run/env/lifecycle-owner.ts';
import { planFile } from './run/files/plan-file.ts';
import { runStateFile } from './run/files/run-state-file.ts';
import { cellTestTimeoutMs, readRunConfig, runStateWaitMs } from './run/run-config.ts';

/** Playwright's output folder of a conformance run: outside --out, the same for every process of the run. */
function conformanceOutputDir(outDir: string): string {
  return join(tmpdir(), `ecs-taskrole-test-results-${createHash('sha256').update(outDir).digest('hex').slice(0, 16)}`);
}

/**
 * One runner for everything. `checks` is the project's own test suite (specs beside the code they
 * check; `npm test`). The conformance run is setup → cells → teardown (suites/): under `ecs-taskrole run`
 * the command owns the backend, provisioning and teardown; `ECS_TASKROLE_CONFORMANCE=1 npx playwright test
 * --project=cells` (the default matrix on the lab, or ECS_TASKROLE_RUN_CONFIG) does them in its setup and
 * teardown projects. Loading this file changes nothing: what a run does before its tests are listed (plan,
 * watch its owner) is its global setup, run/runner/global-setup.ts, in the runner only.
 */
const conformanceRun = isConformanceRun();
const run = readRunConfig();
// The backend's time limits set the cells' (the lab's profile loads only for a conformance run on the lab).
const backendLimits = conformanceRun ? await backendProfile(run.backend, run.labAgent) : undefined;
// `ecs-taskrole run` records its workers; a direct conformance run takes the backend's default (the lab's from
// this machine's free CPU), and its global setup plans for the number chosen here.
const workers = conformanceRun ? (run.workers ?? (await backendLimits?.defaultWorkers())) : undefined;

// The project's checks read as tests; a conformance run reads as cells (one line each, in the matrix's words).
const reporters: ReporterDescription[] = conformanceRun
  ? [
      [moduleFile('./reports/reporter/cell-lines-reporter.ts', import.meta.url)],
      [
        moduleFile('./reports/reporter.ts', import.meta.url),
        { outputDir: run.outDir, planFile: planFile(run), runStateFile: runStateFile(run) },
      ],
    ]
  : process.env.CI
    ? [['list'], ['html', { open: 'never' }]]
    : [['list']];
// Started directly, the setup project provisions only the instance groups of the cells Playwright selected.
if (conformanceRun && !lifecycleOwnedByCli()) {
  reporters.push([moduleFile('./run/runner/selection-reporter.ts', import.meta.url)]);
}
// A shard also writes Playwright's blob report: `npx playwright merge-reports` joins the shards (docs/ci).
// `ecs-taskrole run --shard` plans the shard itself (Playwright sees no --shard): the file name says which.
if (run.shard) reporters.push(['blob', { fileName: `report-${run.shard.index}-of-${run.shard.total}.zip` }]);
else if (conformanceRun && process.argv.some((arg) => arg.startsWith('--shard'))) reporters.push(['blob']);

export default defineConfig({
  // A conformance run's cells write no artifact of their own (their results travel as attachments): Playwright's
  // per-test folders go to the system's temporary directory, one per --out, and are removed as each cell ends.
  ...(conformanceRun
    ? {
        outputDir: conformanceOutputDir(run.outDir),
        preserveOutput: 'never' as const,
        globalSetup: moduleFile('./run/runner/global-setup.ts', import.meta.url),
      }
    : {}),
  forbidOnly: !!process.env.CI,
  // `npx playwright test --project=cells` runs cells as parallel as `ecs-taskrole run`; the checks keep
  // Playwright's own default.
  ...(workers !== undefined ? { workers } : {}),
  reporter: reporters,
  projects: [
    {
      name: 'checks',
      testDir: '.',
      testMatch: '**/*.spec.ts',
      testIgnore: ['**/node_modules/**', 'suites/**', 'dist/**'],
      // Also every beforeAll/afterAll hook's limit (a describe's timeout does not reach hooks): a lab's start
      // or a mini host takes seconds on a quiet 2-core machine and a minute or more beside other work.
      // Lab-heavy files raise it further with `test.describe.configure({ timeout })`. A lab up took 95 s at
      // load 29 on 2 cores (the CLI's module load alone 25–58 s): 180 s sat close for a hook that starts one.
      timeout: 300_000,
      // Retrying assertions (expect.poll, toBeVisible) wait on processes of a loaded machine too.
      expect: { timeout: 30_000 },
    },
    // Provisioning lives outside the workers: a failed cell restarts its worker, never the infrastructure.
    // `.[jt]s`: the sources in a clone, the compiled files in the installed package (dist/).
    {
      name: 'setup',
      testDir: 'suites',
      testMatch: 'provision.setup.[jt]s',
      teardown: 'teardown',
      timeout: 20 * 60_000,
    },
    { name: 'teardown', testDir: 'suites', testMatch: 'teardown.setup.[jt]s', timeout: 20 * 60_000 },
    {
      name: 'cells',
      testDir: 'suites',
      testMatch: 'cells.spec.[jt]s',
      // Under `ecs-taskrole run` the backend is provisioned before Playwright starts: no setup worker to
      // start and stop (about 2 s at each end of a run).
      dependencies: lifecycleOwnedByCli() ? [] : ['setup'],
      // A cell waits for provisioning to reach its group, then sets its own limit (cellTestTimeoutMs: its
      // instance, its task's limit → TIMEOUT, a margin); this catches a hung harness. (Outside a conformance
      // run the cells have no plan to run.)
      ...(backendLimits ? { timeout: runStateWaitMs(backendLimits) + cellTestTimeoutMs(run, backendLimits) } : {}),
    },
  ],
});
