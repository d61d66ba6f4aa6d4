import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { BadInputError } from '../../core/errors.ts';
import { syntheticResults } from '../testing/synthetic-results.ts';
import { loadResults } from './results-file.ts';
import { parseResults } from './results-validation.ts';

const valid = syntheticResults();
const problemOf = (text: string) => {
  try {
    parseResults(text, 'r.json');
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return (error as Error).message;
  }
  throw new Error('expected a BadInputError');
};

test('a valid file round-trips', () => expect(parseResults(JSON.stringify(valid), 'r.json')).toEqual(valid));
test('not JSON', () => expect(problemOf('{')).toMatch(/^r\.json: not JSON: /));
test('not an object', () => expect(problemOf('[]')).toContain('r.json: expected a results.json object'));
test('another schema version names the version read', () =>
  expect(problemOf(JSON.stringify({ ...valid, schemaVersion: 2 }))).toBe(
    'r.json: schemaVersion: schemaVersion 2; this ecs-taskrole reads results schema version 1 (is it a results.json written by ecs-taskrole?)',
  ));
test('no schema version', () =>
  expect(problemOf('{"cells": []}')).toMatch(/^r\.json: schemaVersion: no schemaVersion;/));
test('a bad field names its path', () => {
  const bad = structuredClone(valid) as unknown as { cells: { actual: { outcome: string } }[] };
  (bad.cells[3] as { actual: { outcome: string } }).actual.outcome = 'SUCCESS';
  expect(problemOf(JSON.stringify(bad))).toMatch(/^r\.json: cells\[3\]\.actual\.outcome: /);
});
test('a file from before a dimension existed reads with its baseline value (imdsOptions: v2-hop2)', () => {
  const older = structuredClone(valid) as unknown as { cells: { dimensions: Record<string, string> }[] };
  for (const cell of older.cells) delete cell.dimensions.imdsOptions;
  const read = parseResults(JSON.stringify(older), 'r.json');
  expect(read.cells.map((cell) => cell.dimensions.imdsOptions)).toEqual(valid.cells.map(() => 'v2-hop2'));
});
test('a thousand problems are listed as twenty and a count', () => {
  const bad = { ...valid, cells: Array.from({ length: 1000 }, () => ({})) };
  const message = problemOf(JSON.stringify(bad));
  expect(message.split('\n')).toHaveLength(21);
  expect(message).toMatch(/… and \d+ more problems$/);
});

test('loadResults: a missing file or a directory is bad input naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-load-'));
  try {
    await expect(loadResults(join(dir, 'nope.json'))).rejects.toThrow(
      `${join(dir, 'nope.json')}: cannot read the results file: file not found`,
    );
    await expect(loadResults(dir)).rejects.toThrow(`${dir}: cannot read the results file: is a directory`);
    await writeFile(join(dir, 'ok.json'), JSON.stringify(valid));
    expect((await loadResults(join(dir, 'ok.json'))).cells).toHaveLength(valid.cells.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
