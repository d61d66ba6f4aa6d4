import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

/**
 * A tiny stand-in for the conformance run, used by reporter-real-run.spec.ts: a setup test attaches
 * `run-metadata`, cell tests attach `cell-result`s, one cell crashes. Not part of the `checks` project.
 */
export default defineConfig({
  testDir: fileURLToPath(new URL('.', import.meta.url)),
  testMatch: '*.fixture.ts',
  fullyParallel: true,
  workers: 2,
  reporter: [[fileURLToPath(new URL('../../reporter.ts', import.meta.url)), { writeIntervalMs: 0 }]],
});
