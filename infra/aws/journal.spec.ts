import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { RunJournal } from './journal.ts';

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecs-taskrole-journal-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a journal names its run and its creates, not the backend (backend.json is its one home)', () => {
  const journal = RunJournal.start(join(dir, 'run-journal.json'), 'r1');
  journal.creating('cluster', 'ecs-taskrole-r1-cluster');
  expect(JSON.parse(readFileSync(journal.file, 'utf8'))).toEqual({
    journalVersion: 2,
    runId: 'r1',
    entries: [{ kind: 'cluster', name: 'ecs-taskrole-r1-cluster', status: 'creating' }],
  });
});

test('a version-1 journal (with its own copy of the backend record) is still read, the copy dropped', () => {
  const file = join(dir, 'run-journal.json');
  const entries = [{ kind: 'cluster', name: 'ecs-taskrole-r0-cluster', status: 'created' }];
  const backend = { backend: 'lab', region: 'us-west-2', startedLab: true };
  writeFileSync(file, JSON.stringify({ journalVersion: 1, runId: 'r0', backend, entries }));
  const journal = RunJournal.read(file);
  expect(journal?.runId).toBe('r0');
  expect(journal?.pending()).toEqual(entries);
  journal?.deleted('cluster', 'ecs-taskrole-r0-cluster');
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ journalVersion: 2, entries: [{ status: 'deleted' }] });
  expect(JSON.parse(readFileSync(file, 'utf8'))).not.toHaveProperty('backend');
});
