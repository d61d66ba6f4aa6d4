import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { newEngineDir } from './real-agent-launcher.ts';

test('each engine gets a folder no other engine used: not one a previous launcher left, each fresh and private', async () => {
  const enginesDir = mkdtempSync(join(tmpdir(), 'etr-engines-'));
  try {
    // What a counter from 1 would hand out again after a restart, with a live engine in it.
    for (const left of ['1', '2']) mkdirSync(join(enginesDir, left));
    const made = [await newEngineDir(enginesDir), await newEngineDir(enginesDir)];
    expect(new Set(made).size).toBe(2);
    for (const dir of made) {
      expect(['1', '2'].map((name) => join(enginesDir, name))).not.toContain(dir);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
  } finally {
    rmSync(enginesDir, { recursive: true, force: true });
  }
});
