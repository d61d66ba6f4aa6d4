import { expect, test } from '@playwright/test';
import { BadInputError } from '../errors.ts';
import { DEFAULT_BASELINE } from './dimensions.ts';
import { expandMatrix } from './expand.ts';
import { parseMatrixText } from './load.ts';

const expand = (yaml: string) => expandMatrix(parseMatrixText(yaml, 'm.yaml'), 'm.yaml');
const ids = (yaml: string) => expand(yaml).cells.map((cell) => cell.id);

test('a matrix with only a baseline has one cell, the known-good one', () => {
  const matrix = expand('name: only\n');
  expect(matrix.cells).toEqual([{ id: 'baseline', dimensions: DEFAULT_BASELINE }]);
  expect(matrix.region).toBe('us-west-2');
  expect(matrix.name).toBe('only');
});

test('vary changes one dimension at a time from the baseline', () => {
  expect(ids('vary: { network: [host], client: [awscli-v1, sdk-js-v3] }\n')).toEqual([
    'baseline',
    'network=host',
    'client=awscli-v1',
    'client=sdk-js-v3',
  ]);
});

test('cross is the cartesian product over the baseline', () => {
  expect(ids('cross: [{ network: [bridge, host], load: [single, burst] }]\n')).toEqual([
    'baseline',
    'load=burst',
    'network=host',
    'network=host,load=burst',
  ]);
});

test('explicit cells merge over the baseline, and a custom baseline moves every cell', () => {
  const matrix = expand('baseline: { ami: al2-ecs }\ncells: [{ network: host }]\n');
  expect(matrix.cells.map((cell) => cell.id)).toEqual(['ami=al2-ecs', 'ami=al2-ecs,network=host']);
});

test('cells are de-duplicated by id, first occurrence kept', () => {
  expect(
    ids('vary: { network: [host, bridge] }\ncross: [{ network: [host] }]\ncells: [{ network: host }, {}]\n'),
  ).toEqual(['baseline', 'network=host']);
});

test('ids are stable and name dimensions in canonical order', () => {
  expect(ids('cells: [{ load: burst, ami: al2-ecs }]\n')).toEqual(['baseline', 'ami=al2-ecs,load=burst']);
});

test('products skip combinations that cannot exist and say why', () => {
  const matrix = expand('cross: [{ hostRules: [documented, none] }]\n');
  expect(matrix.cells.map((cell) => cell.id)).toEqual(['baseline']);
  expect(matrix.skipped).toEqual([{ id: 'hostRules=none', reason: 'host-rules-need-plain-ami' }]);
});

test('explicit cells that cannot exist are rejected with their path', () => {
  expect(() => expand('cells: [{}, { hostRules: none }]\n')).toThrow(BadInputError);
  expect(() => expand('cells: [{}, { hostRules: none }]\n')).toThrow(/m\.yaml: cells\[1\]: hostRules other than/);
});

test('the awsvpc block flag without awsvpc: skipped in products, rejected in explicit cells', () => {
  const matrix = expand('cross: [{ network: [bridge, awsvpc], awsvpcBlockImdsFlag: [false, true] }]\n');
  expect(matrix.cells.map((cell) => cell.id)).toEqual([
    'baseline',
    'network=awsvpc',
    'network=awsvpc,awsvpcBlockImdsFlag=true',
  ]);
  expect(matrix.skipped).toEqual([{ id: 'awsvpcBlockImdsFlag=true', reason: 'awsvpc-block-flag-needs-awsvpc' }]);
  expect(() => expand('cells: [{ awsvpcBlockImdsFlag: true }]\n')).toThrow(/cells\[0\]: awsvpcBlockImdsFlag: true/);
});

test('a baseline that cannot exist is rejected', () => {
  expect(() => expand('baseline: { hostRules: none }\n')).toThrow(/m\.yaml: baseline: hostRules/);
});

test('expect overrides keep their place in the file as id', () => {
  const matrix = expand('expect: [{ when: { network: host }, outcome: NOT_PLACED, because: site policy }]\n');
  expect(matrix.overrides).toEqual([
    { id: 'expect[0]', when: { network: 'host' }, outcome: 'NOT_PLACED', because: 'site policy' },
  ]);
});

test('the cell count is checked before the products are built, and the limit can be raised', () => {
  const text = 'cross: [{ ami: [al2023-ecs, al2-ecs], network: [bridge, host], load: [single, burst] }]\n';
  const file = parseMatrixText(text, 'm.yaml');
  expect(() => expandMatrix(file, 'm.yaml', { maxCells: 8, maxInstances: 200 })).toThrow(
    'm.yaml: the matrix expands to 9 cells; the limit is 8 (raise it with --max-cells)',
  );
  expect(expandMatrix(file, 'm.yaml', { maxCells: 9, maxInstances: 200 }).cells).toHaveLength(8);
});

test('the instance count is limited', () => {
  const file = parseMatrixText('vary: { ami: [al2-ecs, al1-ecs] }\n', 'm.yaml');
  expect(() => expandMatrix(file, 'm.yaml', { maxCells: 100, maxInstances: 2 })).toThrow(
    'm.yaml: the matrix needs 3 container instances (instance groups); the limit is 2 (raise it with --max-instances)',
  );
});

test('agentVersion other than the default: only where the user data runs the agent container (plain AMI)', () => {
  const matrix = expand('cross: [{ ami: [al2023-ecs, al2023-plain], agentVersion: [1.101.2, 1.95.0] }]\n');
  expect(matrix.cells.map((cell) => cell.id)).toEqual([
    'baseline',
    'ami=al2023-plain',
    'ami=al2023-plain,agentVersion=1.95.0',
  ]);
  expect(matrix.skipped).toEqual([{ id: 'agentVersion=1.95.0', reason: 'agent-version-needs-agent-container' }]);
  expect(() =>
    expand('cells: [{ ami: al2023-plain, agentInstall: ecs-init-package, agentVersion: 1.95.0 }]\n'),
  ).toThrow(/cells\[0\]: agentVersion other than the default/);
});
