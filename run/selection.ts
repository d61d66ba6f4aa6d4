/**
 * `npx playwright test --project=cells --grep …` selects cells after the plan was made; provisioning the
 * whole plan for them would boot every instance of the matrix. The runner's reporter hook is the one place
 * that knows the selection before the setup project runs: it records the cell ids, and setup provisions
 * only their instance groups.
 */
import type { FullConfig, Reporter, Suite } from '@playwright/test/reporter';
import { z } from 'zod';
import type { RunConfig } from '../core/run-config.ts';
import { readJsonFileIfExists, writeJsonFile } from '../infra/files/json-file.ts';
import { readRunConfig, runFile } from './run-config.ts';

const selectionSchema = z.array(z.string().max(2_000)).max(100_000);

/** The cells' ids Playwright is about to run (a cell test carries its id as its `cell` annotation). */
export function selectedCellIds(suite: Suite): string[] {
  return suite
    .allTests()
    .flatMap((test) => test.annotations.filter((a) => a.type === 'cell').map((a) => a.description ?? ''));
}

export function readSelection(config: Pick<RunConfig, 'outDir'>): ReadonlySet<string> | undefined {
  const ids = readJsonFileIfExists(runFile(config, 'selection'), selectionSchema);
  return ids ? new Set(ids) : undefined;
}

/** Registered by playwright.config.ts for conformance runs started directly (not under `ecs-taskrole run`). */
export default class SelectionReporter implements Reporter {
  onBegin(_config: FullConfig, suite: Suite): void {
    writeJsonFile(runFile(readRunConfig(), 'selection'), selectedCellIds(suite));
  }

  printsToStdio(): boolean {
    return false;
  }
}
