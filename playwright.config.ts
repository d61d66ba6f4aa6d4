import { defineConfig } from '@playwright/test';

/**
 * One runner for everything. `checks` is the project's own test suite (specs beside the code they
 * check; `npm test`). The conformance run itself (setup → cells → teardown) lives in suites/.
 */
export default defineConfig({
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  projects: [
    {
      name: 'checks',
      testDir: '.',
      testMatch: '**/*.spec.ts',
      testIgnore: ['**/node_modules/**', 'suites/**'],
      timeout: 60_000,
    },
  ],
});
