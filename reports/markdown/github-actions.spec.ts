import { expect, test } from '@playwright/test';
import { cellWith } from '../../core/testing/cell-fixture.ts';
import { HOSTILE_LINE, syntheticResults } from '../testing/synthetic-results.ts';
import { githubAnnotations, githubRunUrl, MAX_ANNOTATIONS } from './github-actions.ts';
import { renderSummary } from './render-summary.ts';

const ACTIONS = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/platform', GITHUB_RUN_ID: '4242' };

const results = {
  ...syntheticResults({ cells: 1 }),
  cells: [
    cellWith({}),
    cellWith({ network: 'host' }, 'INSTANCE_ROLE_DENIED'),
    cellWith({ network: 'host', ami: 'al2-ecs' }, 'INSTANCE_ROLE_DENIED'),
    cellWith({ agentProxy: 'without-no-proxy' }, 'TASK_ROLE'),
    cellWith({ ami: 'al1-ecs' }, 'TIMEOUT'),
  ],
  errors: [{ where: 'teardown', message: 'DeleteCluster: 100% failed,\nretry: later' }],
};

test("the run's link only in Actions, and only when every part has its documented shape", () => {
  expect(githubRunUrl(ACTIONS)).toBe('https://github.com/acme/platform/actions/runs/4242');
  expect(githubRunUrl({})).toBeUndefined();
  expect(githubRunUrl({ ...ACTIONS, GITHUB_RUN_ID: undefined })).toBeUndefined();
  expect(githubRunUrl({ ...ACTIONS, GITHUB_SERVER_URL: 'javascript:alert(1)//' })).toBeUndefined();
  expect(githubRunUrl({ ...ACTIONS, GITHUB_REPOSITORY: 'acme/x)](https://evil' })).toBeUndefined();
  expect(githubRunUrl({ ...ACTIONS, GITHUB_RUN_ID: '1 2' })).toBeUndefined();
});

test('summary.md links the run in Actions and leads with what broke, grouped by diagnosis', () => {
  const text = renderSummary(results, undefined, ACTIONS);
  expect(text).toContain('[This workflow run](https://github.com/acme/platform/actions/runs/4242)');
  expect(renderSummary(results, undefined, {})).not.toContain('This workflow run');
  expect(text).toContain(
    'Pass rate per AMI (as expected of the cells with a verdict): al2023-ecs 33% · al2-ecs 0% · al1-ecs no verdict',
  );
  const whatBroke = text.indexOf('### What broke');
  expect(whatBroke).toBeGreaterThan(0);
  expect(whatBroke).toBeLessThan(text.indexOf('| ami ↓ network →'));
  expect(text).toContain('- ≠ **2 deviations: KB article: To correctly configure IAM roles for your task');
  expect(text).toContain('(https://repost.aws/knowledge-center/ecs-iam-task-roles-config-errors)');
  expect(text).toContain('  cells: ami=al2-ecs,network=host, network=host');
  expect(text).toMatch(/ {2}commands for Amazon Linux 2 \(systemd\):\n {2}```sh\n {2}docker ps\n/);
  expect(text).toMatch(/ {2}commands for Amazon Linux 2023 \(systemd\):\n {2}```sh\n {2}docker ps\n/);
  expect(text).toContain("  npx ecs-taskrole run --grep '^ami=al1-ecs$' --cell-timeout 600");
});

test('one ::error annotation per diagnosis group and per failure outside any cell, each one line', () => {
  const lines = githubAnnotations(results);
  expect(lines).toHaveLength(4);
  expect(lines[0]).toMatch(
    /^::error title=ECS task-role%3A 2 deviations%3A KB article%3A To correctly configure IAM roles for your task%2C check the following::Cells: ami=al2-ecs,network=host, network=host\. Expected TASK_ROLE, got INSTANCE_ROLE_DENIED\. /,
  );
  expect(lines[1]).toContain('1 deviation');
  expect(lines[2]).toContain('1 cell without a verdict');
  expect(lines[3]).toBe(
    '::error title=ECS task-role%3A failure outside any cell (teardown)::DeleteCluster: 100%25 failed,%0Aretry: later',
  );
});

test('hostile text cannot start another workflow command or drive the terminal', () => {
  const hostile = {
    ...results,
    errors: [{ where: 'x\n::warning::', message: `${HOSTILE_LINE}\r\n::add-mask::x\u001b[2J` }],
  };
  for (const line of githubAnnotations(hostile)) {
    for (const char of ['\r', '\n', '\u001b']) expect(line).not.toContain(char);
    expect(line.startsWith('::error title=')).toBe(true);
  }
  expect(githubAnnotations(hostile).at(-1)).toContain('%0D%0A::add-mask::x\\u001b[2J');
});

test('at most MAX_ANNOTATIONS lines; the last says how many more', () => {
  const many = {
    ...results,
    errors: Array.from({ length: 30 }, (_, index) => ({ where: `step ${index}`, message: 'failed' })),
  };
  const lines = githubAnnotations(many);
  expect(lines).toHaveLength(MAX_ANNOTATIONS);
  expect(lines.at(-1)).toContain('ECS task-role%3A 24 more problems');
});
