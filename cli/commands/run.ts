import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { execa } from 'execa';
import { EXIT } from '../../core/errors.ts';
import { runExitCode } from '../../core/exit-code.ts';
import { loadMatrix } from '../../core/matrix/index.ts';
import type { RunResults } from '../../core/results/results-schema.ts';
import { BACKEND_ENV } from '../../infra/aws/backend-target.ts';
import { type LocalStackBackend, openLocalStackBackend } from '../../infra/localstack/localstack-backend.ts';
import { localStackOptionsFromEnv } from '../../infra/localstack/localstack-options.ts';
import {
  DEFAULT_CELL_TIMEOUT_MS,
  DEFAULT_OUT_DIR,
  defaultWorkers,
  RUN_CONFIG_ENV,
  type RunConfig,
} from '../../run/run-config.ts';
import { formatRunSummary } from '../../run/summary.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface RunOptions {
  matrix?: string;
  backend: RunConfig['backend'];
  region?: string;
  out: string;
  grep?: string;
  workers?: string;
  shard?: string;
  keep?: boolean;
  cellTimeout: number;
  ami: Record<string, string>;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('provision, run the known-good task in every cell, classify, tear down, write the report')
    .option('--matrix <file>', 'matrix file (YAML or JSON); default: fixtures/matrices/default.yaml')
    .addOption(
      new Option('--backend <backend>', 'where the AWS APIs live; aws must be named explicitly')
        .choices(['lab', 'aws', 'localstack'])
        .default('lab'),
    )
    .option('--region <region>', "region (default: the matrix's, else us-west-2)")
    .option('--out <dir>', 'output directory for results.json and the reports', DEFAULT_OUT_DIR)
    .option('--grep <regexp>', 'run only the cells whose id matches', parseRegExp)
    .option('--workers <n>', 'cells run in parallel (Playwright workers)', String(defaultWorkers()))
    .option('--shard <i/n>', 'run shard i of n (merge the blob reports with `npx playwright merge-reports`)')
    .option('--keep', 'leave provisioned resources for debugging (sweep them later)')
    .addOption(
      new Option('--cell-timeout <seconds>', 'hard time limit per cell')
        .argParser(parseSeconds)
        .default(DEFAULT_CELL_TIMEOUT_MS, `${DEFAULT_CELL_TIMEOUT_MS / 1000}`),
    )
    .addOption(
      new Option('--ami <profile=id>', 'pin an AMI profile to an AMI id (repeatable; upgrade validation)')
        .argParser(collectPin)
        .default({}, 'the SSM-recommended AMIs'),
    )
    .action(async (options: RunOptions) => {
      process.exitCode = await run(options);
    });
}

async function run(options: RunOptions): Promise<number> {
  // Bad input stops here, before a single resource exists.
  const matrixFile = options.matrix ? resolve(options.matrix) : undefined;
  const matrix = await loadMatrix(matrixFile);
  const outDir = resolve(options.out);
  const config: RunConfig = {
    matrixFile,
    backend: options.backend,
    region: options.region,
    outDir,
    ...(options.grep ? { grep: options.grep } : {}),
    keep: options.keep === true,
    cellTimeoutMs: options.cellTimeout,
    amiPins: options.ami,
  };
  await mkdir(outDir, { recursive: true });
  const configFile = join(outDir, 'run-config.json');
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  // LocalStack and the data plane attached to it live in this process, which outlives every worker.
  const localstack =
    config.backend === 'localstack' ? await openLocalStack(config.region ?? matrix.region, outDir) : undefined;
  const finished = await runPlaywright(options, configFile, localstack?.env ?? {}).finally(() => localstack?.close());

  const results = await readResults(join(outDir, 'results.json'));
  if (!results) {
    process.stderr.write(`error: the run produced no results (Playwright exit ${finished.exitCode})\n`);
    return EXIT.infrastructure;
  }
  process.stdout.write(formatRunSummary(results, join(outDir, 'report.html')));
  if (config.keep) {
    process.stdout.write(
      `resources kept (--keep); remove them with: npx ecs-taskrole sweep --backend ${config.backend} --older-than 0s\n`,
    );
  }
  // A shard runs an unknown subset; otherwise every selected cell must have reported.
  const grep = options.grep ? new RegExp(options.grep) : undefined;
  const expected = options.shard ? 1 : matrix.cells.filter((cell) => !grep || grep.test(cell.id)).length;
  return runExitCode(results.cells, expected);
}

async function runPlaywright(options: RunOptions, configFile: string, backendEnv: Record<string, string>) {
  const playwright = execa(process.execPath, [playwrightCli(), 'test', ...playwrightArgs(options)], {
    cwd: PROJECT_ROOT,
    env: { ...backendEnv, [RUN_CONFIG_ENV]: configFile, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
    reject: false,
  });
  // Ctrl-C reaches Playwright too (same process group); it stops the cells and runs the teardown project.
  const onSignal = () => process.stderr.write('\ninterrupted: stopping cells and tearing down…\n');
  process.on('SIGINT', onSignal);
  try {
    return await playwright;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function openLocalStack(region: string, outDir: string): Promise<LocalStackBackend> {
  const endpoint = process.env[BACKEND_ENV.localstackEndpoint];
  return openLocalStackBackend({
    ...localStackOptionsFromEnv(region),
    ...(endpoint ? { endpoint } : {}),
    logFile: join(outDir, 'data-plane.log'),
  });
}

function playwrightArgs(options: RunOptions): string[] {
  const args = ['--config', join(PROJECT_ROOT, 'playwright.config.ts'), '--project=cells'];
  if (options.workers) args.push('--workers', options.workers);
  if (options.shard) args.push('--shard', options.shard);
  return args;
}

function playwrightCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@playwright/test/package.json')), 'cli.js');
}

async function readResults(file: string): Promise<RunResults | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as RunResults;
  } catch {
    return undefined;
  }
}

function parseRegExp(value: string): string {
  try {
    new RegExp(value);
    return value;
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a number of seconds > 0');
  return seconds * 1000;
}

function collectPin(value: string, pins: Record<string, string>): Record<string, string> {
  const match = /^(al2023-ecs|al2-ecs|al1-ecs|al2023-plain)=(ami-[0-9a-f]+)$/.exec(value);
  if (!match?.[1] || !match[2]) {
    throw new InvalidArgumentError(
      'expected PROFILE=AMI_ID, profile one of al2023-ecs, al2-ecs, al1-ecs, al2023-plain',
    );
  }
  return { ...pins, [match[1]]: match[2] };
}
