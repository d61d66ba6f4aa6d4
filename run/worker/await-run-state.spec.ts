import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { syntheticResults } from '../../reports/testing/synthetic-results.ts';
import { clearRunState, type RunStateFile, readRunState, writeRunState } from '../files/run-state-file.ts';
import { awaitRunState } from './await-run-state.ts';

const metadata = syntheticResults({ cells: 1 }).run;

test('a cell waits for the run state, and for its own group while that group is settling (a reboot)', async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'etr-run-state-'));
  try {
    const config = { outDir };
    const file = (settling: string[]): RunStateFile => ({ runId: metadata.runId, metadata, state: {}, settling });
    let rebootedMayStart = false;
    const rebooted = awaitRunState(config, 'hostRules=not-saved-rebooted').then((state) => {
      rebootedMayStart = true;
      return state;
    });
    const other = awaitRunState(config, 'default');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rebootedMayStart, 'no run state yet').toBe(false);

    writeRunState(config, file(['hostRules=not-saved-rebooted']));
    expect((await other).settling).toEqual(['hostRules=not-saved-rebooted']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rebootedMayStart, 'its group is still settling').toBe(false);

    writeRunState(config, file([]));
    expect((await rebooted).settling).toEqual([]);

    clearRunState(config);
    expect(readRunState(config)).toBeUndefined();
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
