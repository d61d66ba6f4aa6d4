/**
 * `npx playwright test --project=cells --grep …` selects cells after the plan was made; provisioning the
 * whole plan for them would boot every instance of the matrix. The runner's reporter hook is the one place
 * that knows the selection before the setup project runs: it records the cell ids
 * (run/files/selection-file.ts), and setup provisions only their instance groups.
 */
import type { FullConfig, Reporter, Suite } from '@playwright/test/reporter';
import { writeSelection } from '../files/selection-file.ts';
import { readRunConfig } from '../run-config.ts';

/** The cells' ids Playwright is about to run (a cell test carries its id as its `cell` annotation). */
export function selectedCellIds(suite: Suite): string[] {
  return suite
    .allTests()
    .flatMap((test) => test.annotations.filter((a) => a.type === 'cell').map((a) => a.description ?? ''));
}

/** Registered by playwright.config.ts for conformance runs started directly (not under `ecs-taskrole run`). */
export default class SelectionReporter implements Reporter {
  onBegin(_config: FullConfig, suite: Suite): void {
    writeSelection(readRunConfig(), selectedCellIds(suite));
  }

  printsToStdio(): boolean {
    return false;
  }
}
