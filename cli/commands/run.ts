import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { execa } from 'execa';
import { estimateRun } from '../../core/caps.ts';
import { BadInputError, EXIT } from '../../core/errors.ts';
import { DEFAULT_CAPS } from '../../core/limits.ts';
import { acceptedValuesText, acceptsValue } from '../../core/matrix/dimensions.ts';
import { parseShard } from '../../core/plan/shard.ts';
import { backendSchema, DEFAULT_OUT_DIR, LAB_AGENTS, type LabAgent, type RunConfig } from '../../core/run-config.ts';
import type { BackendProfile } from '../../infra/backends/profile.ts';
import { moduleFile } from '../../infra/files/module-file.ts';
import { backendProfile, defaultWorkers } from '../../run/backends.ts';
import { type CellsRun, executeRun } from '../../run/cli/execute-run.ts';
import { type Interruptions, watchInterruptions } from '../../run/cli/interruptions.ts';
import { runSummaryDocument } from '../../run/cli/summary.ts';
import { LIFECYCLE_ENV, LIFECYCLE_OWNED_BY_CLI } from '../../run/env/lifecycle-owner.ts';
import { LIFECYCLE_OWNER_PID_ENV } from '../../run/env/lifecycle-owner-pid.ts';
import { RUN_CONFIG_ENV } from '../../run/env/run-config-path.ts';
import { readBackendFile } from '../../run/files/backend-file.ts';
import { readJournal, setJournalAside } from '../../run/files/journal-file.ts';
import { runConfigFile, writeRunConfigFile } from '../../run/files/run-config-file.ts';
import { planRun } from '../../run/plan-run.ts';
import { cellTimeoutOf } from '../../run/run-config.ts';
import { backendOption } from './backend-option.ts';
import { type HelpFooter, withHelpFooter } from './help-text.ts';
import { parseLimit } from './plan.ts';
import { parseRegion } from './region-option.ts';
import {
  estimateLine,
  failureDocument,
  interruptedBeforeStart,
  printRunDocument,
  progressStream,
  type RunProgress,
  report,
} from './run-report.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface RunOptions {
  matrix?: string;
  backend: RunConfig['backend'];
  region?: string;
  out: string;
  grep?: string;
  workers?: number;
  json?: boolean;
  shard?: string;
  keep?: boolean;
  passWithNoTests?: boolean;
  cellTimeout?: number;
  ami: Record<string, string>;
  maxCells: number;
  maxInstances: number;
  labAgent: LabAgent;
}

export async function registerRun(program: Command, argv: readonly string[]): Promise<void> {
  const cellTimeouts = await cellTimeoutDefaults(argv);
  const workers = await workersDefaults(argv);
  const command = program
    .command('run')
    .description('provision, run the known-good task in every cell, classify, tear down, write the report');
  addTargetOptions(command);
  addScaleOptions(command, workers);
  addBehaviourOptions(command, cellTimeouts);
  command.action(async (options: RunOptions) => {
    process.exitCode = await run(options);
  });
  withHelpFooter(command, RUN_HELP_FOOTER);
}

/** What runs where: the matrix, the backend, the lab's agent, the region. */
function addTargetOptions(command: Command): Command {
  return command
    .option('--matrix <file>', 'matrix file (YAML or JSON); default: fixtures/matrices/default.yaml')
    .addOption(backendOption('where the AWS APIs live; aws must be named explicitly'))
    .addOption(
      new Option(
        '--lab-agent <agent>',
        "the lab's ECS agent: its model, or the real agent built from source in a Docker engine per instance",
      )
        .choices(LAB_AGENTS)
        .default('model'),
    )
    .option('--region <region>', "region (default: the matrix's, else us-west-2)", parseRegion);
}

/** Where the results go, which cells run, how many at once and the caps on the run's size. */
function addScaleOptions(command: Command, workers: string): Command {
  return command
    .option('--out <dir>', 'output directory for results.json and the reports', DEFAULT_OUT_DIR)
    .option('--grep <regexp>', 'run only the cells whose id matches', parseRegExp)
    .option('--workers <n>', `cells run in parallel (Playwright workers; default${workers})`, parseWorkers)
    .option(
      '--shard <i/n>',
      "run shard i of n: only its instance groups are provisioned (merge the shards' blob reports with `npx playwright merge-reports`)",
    )
    .addOption(
      new Option('--max-cells <n>', 'refuse a run of more cells').argParser(parseLimit).default(DEFAULT_CAPS.maxCells),
    )
    .addOption(
      new Option('--max-instances <n>', 'refuse a run that needs more instances (one per instance group)')
        .argParser(parseLimit)
        .default(DEFAULT_CAPS.maxInstances),
    );
}

/** How the run behaves: empty selections, teardown, output form, time limits, AMI pins. */
function addBehaviourOptions(command: Command, cellTimeouts: string): Command {
  return command
    .option(
      '--pass-with-no-tests',
      'a --grep or --shard that selects no cell exits 0 at once, nothing created (else: exit 2, as Playwright does)',
    )
    .option('--keep', 'leave provisioned resources for debugging (sweep them later)')
    .option(
      '--json',
      'print one JSON document on stdout at every exit ({ runId, exitCode, error, cells, notAsExpected, files, teardown }); progress goes to stderr',
    )
    .addOption(
      new Option('--cell-timeout <seconds>', `hard time limit per cell (default: ${cellTimeouts})`).argParser(
        parseSeconds,
      ),
    )
    .addOption(
      new Option('--ami <profile=id>', 'pin an AMI profile to an AMI id (repeatable; upgrade validation)')
        .argParser(collectPin)
        .default({}, 'the SSM-recommended AMIs'),
    );
}

const RUN_HELP_FOOTER: HelpFooter = {
  env: [
    ['ECS_TASKROLE_LAB_DIR', "the lab's state directory (default ~/.local/state/ecs-taskrole/lab)"],
    ['ECS_TASKROLE_MOTO_PYTHON', "the lab's Python with moto 5.2.1 (default: the tool's venv, made from PyPI)"],
    [
      'ECS_TASKROLE_PROXY_URL',
      "your HTTP proxy for proxy cells on AWS, http(s)://HOST[:PORT] without credentials (overrides the matrix's proxyUrl)",
    ],
    ['ECS_TASKROLE_LOCALSTACK_ENDPOINT', 'a LocalStack that is already running (--backend localstack)'],
    ['LOCALSTACK_AUTH_TOKEN', "LocalStack's paid tier (ECS, IAM enforcement)"],
    ['PLAYWRIGHT_BLOB_OUTPUT_DIR', "where a shard's blob report goes (default: DIR/blob-report)"],
  ],
  exitCodes: [
    ['0', 'every cell as expected'],
    ['1', 'deviations found'],
    ['2', 'bad input or usage (a --grep or --shard selecting no cell included); nothing was created'],
    ['3', 'infrastructure failure, e.g. no AWS credentials found (the teardown still ran)'],
    ['130', 'interrupted (Ctrl-C, SIGTERM, SIGHUP), after the teardown'],
  ],
  examples: [
    'npx ecs-taskrole run',
    "npx ecs-taskrole run --matrix my.yaml --grep '^ami=' --out reports/out/ami",
    'npx ecs-taskrole run --backend aws --region us-west-2 --ami al2023-ecs=ami-0123456789abcdef0',
    'npx ecs-taskrole run --backend aws --shard 1/4',
    'npx ecs-taskrole run --json > run.json',
  ],
};

const asksForHelp = (argv: readonly string[]) => argv.some((arg) => arg === '--help' || arg === '-h' || arg === 'help');

/**
 * `--cell-timeout`'s default of every backend, named in the help only: naming them loads every profile, the
 * lab's with the simulator, which a run on AWS never loads.
 */
async function cellTimeoutDefaults(argv: readonly string[]): Promise<string> {
  if (!asksForHelp(argv)) return "the backend's";
  const profiles = await Promise.all(backendSchema.options.map((name) => backendProfile(name)));
  const realAgent = await backendProfile('lab', 'real');
  return [
    ...profiles.map((profile) => `${profile.cellTimeoutMs / 1000} on ${profile.name}`),
    `${realAgent.cellTimeoutMs / 1000} under --lab-agent real`,
  ].join(', ');
}

/** The default workers, named in the help only: the lab's is sampled at the run's start, so the help says how. */
async function workersDefaults(argv: readonly string[]): Promise<string> {
  if (!asksForHelp(argv)) return '';
  return ` — on the lab one per idle CPU core (a 1 s sample at the start), 1 to 8; ${await defaultWorkers('aws')} on AWS`;
}

async function run(options: RunOptions): Promise<number> {
  const progress: RunProgress = {};
  try {
    return await runToEnd(options, progress);
  } catch (error) {
    // `--json`: a document on every exit, a failure's too (main.ts prints the message on stderr).
    if (options.json) printRunDocument(failureDocument(error, progress));
    throw error;
  }
}

async function runToEnd(options: RunOptions, progress: RunProgress): Promise<number> {
  // The chosen backend's profile only (a run on AWS never loads the lab).
  const profile = await backendProfile(options.backend, options.labAgent);
  const config = await runConfigOf(options, profile);
  progress.config = config;
  // From here on a signal is an interruption (exit 130), also before anything exists.
  const interruptions = watchInterruptions((line) => process.stderr.write(`\n${line}\n`));
  try {
    // Bad input stops here, before a single resource exists: the backend's environment (on AWS, the proxy
    // URL) is checked, then the plan is made once, for every process.
    profile.checkEnvironment(process.env);
    const plan = await planRun(config);
    const out = progressStream(options);
    const log = (line: string) => out.write(`[run] ${line}\n`);
    if (plan.cells.length === 0) return emptyRun(config, options, log);
    writeRunConfigFile(config);
    setAsidePreviousJournal(config);
    // What the backend needs on this machine (the lab's packages and moto), before anything starts.
    await profile.prepare(log, plan);
    const cellTimeoutMs = cellTimeoutOf(config, profile);
    log(estimateLine(estimateRun(plan, { instanceType: profile.instanceType, cellTimeoutMs })));
    progress.started = true;
    progress.outcome = await executeRun(
      config,
      plan,
      interruptions,
      () => startPlaywright(options, config, interruptions),
      log,
    );
    return await report(config, plan, progress.outcome, options);
  } catch (error) {
    // A signal during the steps before the backend (apt, moto's environment) kills their child processes
    // too (Ctrl-C reaches the group): the failure that follows is the interruption's, nothing was created.
    const cause = interruptions.received();
    if (cause === undefined || progress.started === true) throw error;
    return interruptedBeforeStart(cause, options);
  } finally {
    interruptions.dispose();
  }
}

async function runConfigOf(options: RunOptions, profile: BackendProfile): Promise<RunConfig> {
  if (options.labAgent === 'real' && !profile.choosesLabAgent) {
    throw new BadInputError([
      {
        file: '--lab-agent',
        path: '',
        message: `"real" chooses the lab's agent; --backend ${options.backend} runs the agent its AMIs bring (use --lab-agent model or --backend lab)`,
      },
    ]);
  }
  return {
    ...(options.matrix ? { matrixFile: resolve(options.matrix) } : {}),
    backend: options.backend,
    ...(options.region ? { region: options.region } : {}),
    outDir: usableOutDir(options.out),
    ...(options.grep ? { grep: options.grep } : {}),
    ...(options.passWithNoTests ? { passWithNoTests: true } : {}),
    keep: options.keep === true,
    // Recorded for the run order (plan.json) and Playwright (playwright.config.ts reads it).
    workers: options.workers ?? (await profile.defaultWorkers()),
    cellTimeoutMs: options.cellTimeout ?? profile.cellTimeoutMs,
    amiPins: options.ami,
    ...(options.shard ? { shard: parseShard(options.shard) } : {}),
    caps: { maxCells: options.maxCells, maxInstances: options.maxInstances },
    ...(profile.choosesLabAgent ? { labAgent: options.labAgent } : {}),
  };
}

/** `--pass-with-no-tests` and no cell selected: nothing to start, nothing created, exit 0. */
function emptyRun(config: RunConfig, options: RunOptions, log: (line: string) => void): number {
  const selection = [
    config.grep ? `--grep ${JSON.stringify(config.grep)}` : '',
    config.shard ? `--shard ${options.shard}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  log(`no cell selected (${selection}): nothing run, nothing created (--pass-with-no-tests)`);
  if (options.json) printRunDocument(runSummaryDocument(undefined, { exitCode: EXIT.ok }));
  return EXIT.ok;
}

function startPlaywright(options: RunOptions, config: RunConfig, interruptions: Interruptions): CellsRun {
  const playwright = execa(process.execPath, [playwrightCli(), 'test', ...playwrightArgs()], {
    cwd: PROJECT_ROOT,
    env: {
      [RUN_CONFIG_ENV]: runConfigFile(config),
      [LIFECYCLE_ENV]: LIFECYCLE_OWNED_BY_CLI,
      [LIFECYCLE_OWNER_PID_ENV]: String(process.pid),
      // A run started from inside a Playwright test: its runner must not take itself for one of that test's
      // workers (the config starts the owner watch in the runner only).
      TEST_WORKER_INDEX: undefined,
      TEST_PARALLEL_INDEX: undefined,
      // Playwright runs in the project's folder (inside node_modules when installed): its blob report goes
      // where the user said (relative to where they ran `run`), else beside the results.
      PLAYWRIGHT_BLOB_OUTPUT_DIR: resolve(process.env.PLAYWRIGHT_BLOB_OUTPUT_DIR ?? join(config.outDir, 'blob-report')),
    },
    stdio: ['ignore', options.json ? process.stderr : 'inherit', 'inherit'],
    // Its own process group: a Ctrl-C to the terminal's group reaches this process only, which passes it
    // on below. One path for every interruption (a signal to the group, to this process alone, a launcher
    // that died), and Playwright gets exactly one SIGINT (a second one would not be a graceful stop).
    detached: true,
    reject: false,
  });
  // The first interruption of any kind becomes the SIGINT Playwright stops on (its workers end their cells
  // when it tells them; its reporter writes results.json). Later ones are only reported (interruptions.ts).
  let forwarded = false;
  const forward = interruptions.onSignal(() => {
    if (forwarded) return;
    forwarded = true;
    playwright.kill('SIGINT');
  });
  return {
    exited: playwright.then((result) => result.exitCode ?? EXIT.infrastructure).finally(forward),
    stop: () => playwright.kill('SIGINT'),
  };
}

/** A journal left by an earlier run in this directory is kept beside (its resources may still exist). */
function setAsidePreviousJournal(config: RunConfig): void {
  const previous = readJournal(config);
  if (!previous) return;
  if (previous.pending().length > 0) {
    // Its backend's record is still the one in this --out (this run has not opened its own yet).
    const previousBackend = readBackendFile(config)?.backend ?? config.backend;
    process.stderr.write(
      `warning: run ${previous.runId} in ${config.outDir} did not finish its teardown; ` +
        `remove what it left with: npx ecs-taskrole sweep --backend ${previousBackend} --run ${previous.runId}\n`,
    );
  }
  setJournalAside(config, previous);
}

function usableOutDir(out: string): string {
  const dir = resolve(out);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new BadInputError([
      { file: dir, path: '', message: '--out names a file; expected a directory (it is created if missing)' },
    ]);
  }
  return dir;
}

/** No --shard or --workers: plan.json holds only this shard's cells, run-config.json the workers. */
function playwrightArgs(): string[] {
  return ['--config', moduleFile('../../playwright.config.ts', import.meta.url), '--project=cells'];
}

function playwrightCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@playwright/test/package.json')), 'cli.js');
}

function parseRegExp(value: string): string {
  try {
    new RegExp(value);
    return value;
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
}

function parseWorkers(value: string): number {
  const workers = Number(value);
  if (!/^\d{1,3}$/.test(value) || workers < 1 || workers > 100) {
    throw new InvalidArgumentError('expected a whole number of workers from 1 to 100');
  }
  return workers;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a number of seconds > 0');
  return seconds * 1000;
}

/** `--ami PROFILE=AMI_ID`: the profiles are the matrix's `ami` values (core/matrix/dimensions.ts). */
function collectPin(value: string, pins: Record<string, string>): Record<string, string> {
  const match = /^([\w-]+)=(ami-[0-9a-f]+)$/.exec(value);
  if (!match?.[1] || !match[2] || !acceptsValue('ami', match[1])) {
    throw new InvalidArgumentError(`expected PROFILE=AMI_ID, profile one of ${acceptedValuesText('ami')}`);
  }
  return { ...pins, [match[1]]: match[2] };
}
