/**
 * The example workflows of docs/ci, as a platform team copies them into its own repository: valid
 * workflows (GitHub's workflow schema, from SchemaStore), every `run:` script clean under shellcheck,
 * no `${{ }}` expression inside a script (inputs reach scripts as environment variables), actions at
 * majors that run on Node 24, and nothing that exists only in a clone of this tool.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CI_DIR = join(ROOT, 'docs', 'ci');
/** How a GitHub Actions expression starts (`${{ … }}`). */
const EXPRESSION_START = '$' + '{{';
const WORKFLOWS = readdirSync(CI_DIR).filter((file) => file.endsWith('.yml'));

/** The first major of each action that runs on Node 24 (the earlier ones run on Node 20, being retired). */
const NODE24_MAJORS: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'actions/upload-artifact': 6,
  'actions/download-artifact': 7,
  'aws-actions/configure-aws-credentials': 5,
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
}
interface Workflow {
  jobs: Record<string, { steps: Step[]; strategy?: { matrix?: Record<string, unknown> } }>;
}

const load = (file: string) => parse(readFileSync(join(CI_DIR, file), 'utf8')) as Workflow;
const steps = (workflow: Workflow) =>
  Object.entries(workflow.jobs).flatMap(([job, { steps }]) => steps.map((step) => ({ job, step })));

test('the CI examples exist', () => {
  expect(WORKFLOWS.sort()).toEqual(['nightly.yml', 'upgrade-gate.yml']);
});

for (const file of WORKFLOWS) {
  test.describe(file, () => {
    test('is a valid workflow (GitHub workflow JSON schema)', () => {
      const schema = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'ci', 'github-workflow.schema.json'), 'utf8'));
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
      const valid = validate(load(file));
      expect(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
    });

    test('no expression inside a run: script (workflow values reach scripts through env:)', () => {
      const offending = steps(load(file))
        .filter(({ step }) => step.run?.includes(EXPRESSION_START))
        .map(({ job, step }) => `${job} › ${step.name ?? step.run}`);
      expect(offending).toEqual([]);
    });

    test('every run: script passes shellcheck (bash, as GitHub runs it: -e -o pipefail)', () => {
      const scripts = steps(load(file)).filter(({ step }) => step.run !== undefined);
      expect(scripts.length).toBeGreaterThan(0);
      for (const { job, step } of scripts) {
        expect(step.shell ?? 'bash').toBe('bash');
        const script = `#!/usr/bin/env bash\nset -eo pipefail\n${step.run}`;
        const check = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], {
          input: script,
          encoding: 'utf8',
        });
        expect(check.error, 'shellcheck is missing: node infra/system/ensure-packages.ts report-tests').toBeUndefined();
        expect(check.stdout, `${job} › ${step.name ?? step.run}`).toBe('');
        expect(check.status).toBe(0);
      }
    });

    test('actions at majors that run on Node 24', () => {
      const used = steps(load(file)).flatMap(({ step }) => (step.uses ? [step.uses] : []));
      expect(used.length).toBeGreaterThan(0);
      for (const uses of used) {
        const [action = '', ref = ''] = uses.split('@');
        expect(Object.keys(NODE24_MAJORS), uses).toContain(action);
        expect(Number(/^v(\d+)$/.exec(ref)?.[1]), uses).toBeGreaterThanOrEqual(NODE24_MAJORS[action] as number);
      }
    });

    test("works from a repository that installed the package: nothing from this tool's clone", () => {
      const text = readFileSync(join(CI_DIR, file), 'utf8');
      // The tool's own paths (./reports/…, fixtures/…) exist only in a clone; the installed package is in node_modules.
      expect(text).not.toMatch(/\.\/(reports|run|core|infra|fixtures)\//);
      expect(text).toContain('npm ci');
      for (const [, path] of text.matchAll(/node_modules\/ecs-taskrole-conformance\/(\S+)/g)) {
        // dist/x/y.js is built from x/y.ts (tools/build.ts).
        const source = (path as string).replace(/^dist\//, '').replace(/\.js$/, '.ts');
        expect(existsSync(join(ROOT, source)), `${path}: no ${source} to build it from`).toBe(true);
      }
    });
  });
}

test('nightly: the shard list comes from the plan (a job output), not kept in step by hand', () => {
  const nightly = load('nightly.yml');
  expect(nightly.jobs.cells?.strategy?.matrix?.shard).toBe(
    `${EXPRESSION_START} fromJSON(needs.plan.outputs.shards) }}`,
  );
  const planScript = nightly.jobs.plan?.steps.find((step) => step.run?.includes('ecs-taskrole plan'))?.run ?? '';
  // The plan step's own arithmetic, run: 20 instance groups and at most 4 shards → [1,2,3,4]; 2 groups → [1,2].
  for (const [groups, expected] of [
    [20, '[1,2,3,4]'],
    [2, '[1,2]'],
  ] as const) {
    const script = planScript.replace(
      /groups=\$\(npx ecs-taskrole plan --json \| jq '\.instanceGroups \| length'\)/,
      `groups=${groups}`,
    );
    expect(script).not.toBe(planScript);
    const output = join(mkdtempSync(join(tmpdir(), 'etr-ci-')), 'github-output');
    execFileSync('bash', ['-eo', 'pipefail', '-c', script], {
      env: { ...process.env, MAX_SHARDS: '4', GITHUB_OUTPUT: output },
    });
    expect(readFileSync(output, 'utf8')).toContain(`shards=${expected}`);
    rmSync(dirname(output), { recursive: true });
  }
});
