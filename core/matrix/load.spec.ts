import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { BadInputError } from '../errors.ts';
import { loadMatrixFile, parseMatrixText } from './load.ts';

const FILE = 'm.yaml';

function problemsOf(text: string): string[] {
  try {
    parseMatrixText(text, FILE);
  } catch (error) {
    if (error instanceof BadInputError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a BadInputError');
}

test('accepts a full matrix and reads YAML booleans as the flag strings', () => {
  const matrix = parseMatrixText(
    'name: n\nregion: eu-west-1\nbaseline: { network: host }\nvary: { taskIamRoleFlag: [false] }\ncross: [{ client: [awscli-v1] }]\ncells: [{ rpsLimit: "1,1" }]\nexpect: [{ when: { network: host }, outcome: TASK_ROLE, because: known }]\n',
    FILE,
  );
  expect(matrix.vary?.taskIamRoleFlag).toEqual(['false']);
  expect(matrix.cells?.[0]?.rpsLimit).toBe('1,1');
});

test('accepts JSON', () => {
  expect(parseMatrixText('{"vary": {"network": ["host"]}}', 'm.json').vary?.network).toEqual(['host']);
});

test('rejects an unknown dimension with its path and the accepted names', () => {
  const [problem] = problemsOf('cells:\n  - { network: host }\n  - { netwrk: host }\n');
  expect(problem).toMatch(
    /^cells\[1\]\.netwrk: unknown dimension "netwrk"; accepted: ami, agentVersion, agentInstall, hostRules, hostFirewall, afterBoot, network/,
  );
});

test('rejects an unknown value with the accepted values', () => {
  expect(problemsOf('cells: [{}, {}, {}, { network: hots }]\n')).toEqual([
    'cells[3].network: "hots" is not a network value; accepted: bridge, host, awsvpc',
  ]);
});

test('rejects a wrong type', () => {
  expect(problemsOf('vary: { network: host }\n')).toEqual(['vary.network: expected a list of network values']);
});

test('rejects an empty value list', () => {
  expect(problemsOf('vary: { network: [] }\n')[0]).toMatch(/^vary\.network: expected at least one network value/);
});

test('rejects a YAML syntax error with its line', () => {
  expect(problemsOf('vary: { network: [host\n')[0]).toMatch(/^line \d+, column \d+: syntax error/);
});

test('rejects an empty matrix', () => {
  expect(problemsOf('')).toEqual([': the matrix is empty; expected a mapping with baseline, vary, cross or cells']);
  expect(problemsOf('{}')).toHaveLength(1);
});

test('rejects a matrix that is not a mapping', () => {
  expect(problemsOf('- a\n- b\n')[0]).toMatch(/^: expected a mapping/);
});

test('rejects an unknown outcome in expect with the accepted classes', () => {
  expect(problemsOf('expect: [{ when: {}, outcome: SUCCESS, because: x }]\n')[0]).toMatch(
    /^expect\[0\]\.outcome: expected an outcome class; accepted: TASK_ROLE, TASK_ROLE_DENIED,/,
  );
});

test('rejects an unknown field in an expect entry', () => {
  expect(problemsOf('expect: [{ when: {}, outcome: TASK_ROLE, because: x, why: y }]\n')).toEqual([
    'expect[0].why: unknown field; accepted: when, outcome, because',
  ]);
});

test('rejects an unknown top-level field with the accepted fields', () => {
  expect(problemsOf('varry: {}\n')).toEqual([
    'varry: unknown field; accepted: name, region, baseline, vary, cross, cells, amis, proxyUrl, expect',
  ]);
});

test('rejects a malformed region', () => {
  expect(problemsOf('region: west\n')).toEqual(['region: expected a region name such as us-west-2']);
});

test('reports every problem at once', () => {
  expect(problemsOf('vary: { network: [hots], ami: [al3] }\ncells: [{ load: heavy }]\n')).toHaveLength(3);
});

test('names a missing file', async () => {
  await expect(loadMatrixFile('/nonexistent/matrix.yaml')).rejects.toThrow(
    '/nonexistent/matrix.yaml: cannot read the matrix file: file not found',
  );
});

test('reads a file from disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-matrix-'));
  try {
    await writeFile(join(dir, 'm.yaml'), 'vary: { load: [burst] }\n');
    expect((await loadMatrixFile(join(dir, 'm.yaml'))).vary?.load).toEqual(['burst']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rpsLimit is default, steady,burst or not-a-limit, nothing else', () => {
  const matrix = parseMatrixText('vary: { rpsLimit: ["40,60", "1,1", not-a-limit] }\n', FILE);
  expect(matrix.vary?.rpsLimit).toEqual(['40,60', '1,1', 'not-a-limit']);
  for (const bad of ['1', '1,1,1', ' 1,1', '1,load=burst', '-1,5', 'burst']) {
    expect(problemsOf(`cells: [{ rpsLimit: "${bad}" }]\n`)[0]).toMatch(
      /^cells\[0\]\.rpsLimit: ".*" is not a rpsLimit value/,
    );
  }
});

test('up to 100 aliases are fine', () => {
  const text = `x: &x { network: host }\ncells:\n${'  - *x\n'.repeat(100)}`.replace('x: &x', 'baseline: &x');
  expect(parseMatrixText(text, FILE).cells).toHaveLength(100);
});

test('a UTF-8 byte order mark is accepted', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-matrix-'));
  try {
    await writeFile(
      join(dir, 'bom.yaml'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name: bom\n')]),
    );
    expect((await loadMatrixFile(join(dir, 'bom.yaml'))).name).toBe('bom');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
