/**
 * The package as a user gets it: `npm pack`, the tarball installed into an empty project, and from there
 * `npx ecs-taskrole --version`, `plan` and a one-cell lab `run` with a matrix file of that project — the
 * compiled code (dist/) running from node_modules, where Node strips no types.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import type { RunResults } from '../core/results/results-schema.ts';
import { labSkipReason } from '../lab/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const { name, version } = manifest;
const MATRIX = 'name: from-a-package\nbaseline: {}\nvary:\n  network: [host]\n';

let dir = '';
let project = '';
let packed: string[] = [];

/** A user's environment: without what `npm test` adds (npm_config_* would steer npm; the repository's .bin). */
const userEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))),
  PATH: (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !entry.startsWith(ROOT))
    .join(delimiter),
};

/** A command in the installing project, as its user types it. */
const inProject = (command: string, args: string[], env: Record<string, string> = {}) =>
  execa(command, args, { cwd: project, env: { ...userEnv, ...env }, extendEnv: false, reject: false, stdin: 'ignore' });

test.describe.configure({ mode: 'serial', timeout: 1_800_000 });

test.beforeAll(async () => {
  // npm pack (the build: 3m50s beside 7 other helpers' work on 2 cores) and the install (6m50s); a hook does not get
  // the describe's limit.
  test.setTimeout(1_800_000);
  dir = await mkdtemp(join(tmpdir(), 'etr-package-'));
  project = join(dir, 'project');
  // prepack builds dist/; --json lists what the tarball holds.
  const pack = await execa('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    env: userEnv,
    extendEnv: false,
    stdin: 'ignore',
  });
  const [tarball] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!tarball) throw new Error(`npm pack printed no tarball: ${pack.stdout}`);
  packed = tarball.files.map((file) => file.path);
  await mkdir(project);
  await writeFile(join(project, 'package.json'), '{ "name": "platform-team-ci", "private": true }\n');
  await writeFile(join(project, 'my.yaml'), MATRIX);
  // The cache already holds the dependencies' pinned versions (the repository's own install).
  const install = await inProject('npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    join(dir, tarball.filename),
  ]);
  if (install.exitCode !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
});

test.afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the tarball holds the compiled code with declarations and its runtime files, no specs, benches or sources', () => {
  // Soft: the later tests (the installed package at work) run whatever this one finds.
  expect
    .soft(packed)
    .toEqual(
      expect.arrayContaining([
        'LICENSE',
        'CHANGELOG.md',
        'README.md',
        'bin/ecs-taskrole.js',
        'dist/cli/main.js',
        'dist/cli/main.d.ts',
        'dist/playwright.config.js',
        'dist/suites/cells.spec.js',
        'dist/reports/reporter.js',
        'dist/reports/reporter/cell-lines-reporter.js',
        'dist/fixtures/matrices/default.yaml',
        'dist/fixtures/iam/harness-policy.json',
        'dist/lab/control-plane/moto-lab/moto_lab.py',
        'dist/lab/control-plane/moto-lab/lab_ecs.py',
        'docs/architecture.md',
      ]),
    );
  // The conformance run's own test file ships (the runner loads it); the project's specs do not.
  expect
    .soft(packed.filter((path) => /\.(spec|fixture)\./.test(path)))
    .toEqual(['dist/suites/cells.spec.d.ts', 'dist/suites/cells.spec.js']);
  expect
    .soft(packed.filter((path) => /^(dist\/)?(bench|tools)\/|(^|\/)testing\/|^dist\/fixtures\/ci\//.test(path)))
    .toEqual([]);
  expect.soft(packed.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
});

test('the dependencies a consumer installs: caret ranges, testcontainers an optional peer, no aws-sdk v2', async () => {
  for (const [dependency, range] of Object.entries(manifest.dependencies)) {
    expect.soft(range, dependency).toMatch(/^\^\d+\.\d+\.\d+$/);
  }
  expect(manifest.dependencies['@smithy/signature-v4'], 'never imported: the SDK brings its own').toBeUndefined();
  expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@testcontainers/localstack', 'testcontainers']);
  for (const peer of Object.keys(manifest.peerDependencies))
    expect(manifest.peerDependenciesMeta[peer]?.optional).toBe(true);
  // The message that names them when --backend localstack runs without them installs these ranges.
  const { LOCALSTACK_PACKAGES } = await import('../lab/index.ts');
  expect(LOCALSTACK_PACKAGES.split(' ').sort()).toEqual(
    Object.entries(manifest.peerDependencies)
      .map(([peer, range]) => `${peer}@${range}`)
      .sort(),
  );
  // The runtime tree of the installing project: no aws-sdk v2 release (2.4.6: CVE-2020-28472), no testcontainers.
  const tree = await inProject('npm', ['ls', '--omit=dev', '--all', '--parseable']);
  const modules = tree.stdout.split('\n').map((line) => line.slice(line.lastIndexOf('node_modules/') + 13));
  expect(modules.filter((module) => /^(aws-sdk|testcontainers|@testcontainers\/)/.test(module))).toEqual([]);
});

test('the compiled code imports only runtime dependencies, optional peers and Node built-ins (nothing test-only)', () => {
  const allowed = new Set([
    ...Object.keys(manifest.dependencies),
    ...Object.keys(manifest.peerDependencies),
    ...builtinModules,
  ]);
  const dist = join(project, 'node_modules', name, 'dist');
  const imported = new Set<string>();
  for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(dist, file), 'utf8');
    for (const match of code.matchAll(
      /(?:^(?:import|export)\b[^'";]*?\bfrom\s*|^import\s*|\bimport\(\s*)['"]([^'"./][^'"]*)['"]/gm,
    )) {
      const specifier = (match[1] ?? '').replace(/^node:/, '');
      imported.add(
        specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? ''),
      );
    }
  }
  expect([...imported].filter((module) => !allowed.has(module))).toEqual([]);
  expect(imported.has('@playwright/test')).toBe(true); // the scan sees imports
});

test('npm audit of the installing project: no advisory among the runtime dependencies', async () => {
  const audit = await inProject('npm', ['audit', '--omit=dev', '--json']);
  const report = JSON.parse(audit.stdout || '{}') as { vulnerabilities?: Record<string, unknown>; message?: string };
  test.skip(
    !report.vulnerabilities,
    `the registry's audit endpoint did not answer: ${report.message ?? audit.stderr.slice(0, 200)}`,
  );
  expect(Object.keys(report.vulnerabilities ?? {})).toEqual([]);
});

test('npx in the installing project prints no EBADENGINE, whatever Node runs npm (the package brings Node 22)', async () => {
  const help = await inProject('npx', ['ecs-taskrole', '--help']);
  expect(help.exitCode, help.stderr).toBe(0);
  expect(help.stderr).not.toContain('EBADENGINE');
});

test('--version and plan run the compiled CLI from node_modules, with a matrix file of the installing project', async () => {
  const installed = JSON.parse(await readFile(join(project, 'node_modules', name, 'package.json'), 'utf8'));
  expect(installed.version).toBe(version);

  const versionRun = await inProject('npx', ['ecs-taskrole', '--version']);
  expect(versionRun.exitCode, versionRun.stderr).toBe(0);
  expect(versionRun.stdout.trim()).toBe(version);

  const plan = await inProject('npx', ['ecs-taskrole', 'plan', '--matrix', 'my.yaml', '--json']);
  expect(plan.exitCode, plan.stderr).toBe(0);
  const { name: matrixName, cells } = JSON.parse(plan.stdout) as { name: string; cells: { id: string }[] };
  expect(matrixName).toBe('from-a-package');
  expect(cells.map((cell) => cell.id)).toEqual(['baseline', 'network=host']);
});

test('a one-cell lab run from the installing project: Playwright runs the packaged suites, results and reports written, lab stopped', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const env = { ECS_TASKROLE_LAB_DIR: join(dir, 'lab') };
  try {
    const run = await inProject('npx', ['ecs-taskrole', 'run', '--matrix', 'my.yaml', '--grep', '^baseline$'], env);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    // The packaged suite ran the cell: its line, in the matrix's words (no test file, no test runner frames).
    expect(run.stdout).toMatch(/\[1\/1\] = as expected +baseline: TASK_ROLE \(\d+ s\)/);
    expect(run.stdout).toContain('1 cells: 1 as expected, 0 deviations, 0 infrastructure errors');

    // The default --out is relative to where the user runs it.
    const results = JSON.parse(await readFile(join(project, 'reports/out/latest/results.json'), 'utf8')) as RunResults;
    expect(results.run).toMatchObject({ matrixName: 'from-a-package', backend: 'lab', toolVersion: version });
    expect(results.cells.map((cell) => [cell.id, cell.actual.outcome, cell.verdict])).toEqual([
      ['baseline', 'TASK_ROLE', 'pass'],
    ]);
    const status = await inProject('npx', ['ecs-taskrole', 'lab', 'status', '--json'], env);
    expect(JSON.parse(status.stdout).state).toBe('stopped');
  } finally {
    await inProject('npx', ['ecs-taskrole', 'lab', 'down'], env);
  }
});
