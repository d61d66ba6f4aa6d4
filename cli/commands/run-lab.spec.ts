/**
 * The main job end to end on the lab, as a user runs it: `ecs-taskrole run` with a private lab, two cells
 * with different outcomes, then the artifacts: results.json per cell, the reports, no credential anywhere,
 * and nothing left running.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { labSkipReason } from '../../lab/index.ts';
import { DEBIAN_CHROMIUM } from '../../reports/html/testing/browser-support.ts';
import { runCli } from '../../testing/run-cli.ts';
import { runResults, withPrivateLab } from './testing/private-lab.ts';

test.describe.configure({ timeout: 540_000 });
// Debian's Chromium (npx playwright install cannot download browsers here); .ci/run installs it.
test.use(DEBIAN_CHROMIUM);

test('run on the lab: every selected cell as expected, results and reports written, no secret, lab stopped', async ({
  page,
}) => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withPrivateLab('etr-run-lab-', async ({ out, env }) => {
    const run = await runCli(['run', '--grep', '^(baseline|taskIamRoleFlag=false)$', '--out', out, '--json'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    // --json: stdout is one document; the progress and the summary went to stderr.
    expect(run.stderr).toContain('2 cells: 2 as expected, 0 deviations, 0 infrastructure errors');
    expect(JSON.parse(run.stdout)).toEqual({
      runId: expect.stringMatching(/^r[a-z0-9]+$/),
      exitCode: 0,
      cells: { total: 2, asExpected: 2, deviations: 0, infrastructureErrors: 0 },
      notAsExpected: [],
      files: { results: join(out, 'results.json'), report: join(out, 'report.html') },
      teardown: { deleted: expect.any(Number), leftovers: [], nothingCreated: false },
    });

    const { results, byId } = await runResults(out);
    expect(results.run.backend).toBe('lab');
    expect(Object.keys(results.run.amis)).toEqual(['al2023-ecs']);
    expect(byId.baseline).toMatchObject({
      expected: { outcome: 'TASK_ROLE', rule: 'known-good' },
      actual: { outcome: 'TASK_ROLE' },
      verdict: 'pass',
    });
    expect(byId.baseline?.actual.evidence.callerArn).toMatch(
      /assumed-role\/ecs-taskrole-.*-task-ecs-tasks-list-tasks\//,
    );
    // Every cell carries its instance's console: the boot the lab's instance went through.
    for (const cell of results.cells) expect(cell.details.console, cell.id).toContain('ecs-init: agent started');
    expect(byId['taskIamRoleFlag=false']).toMatchObject({
      expected: { outcome: 'NOT_PLACED' },
      actual: { outcome: 'NOT_PLACED' },
      verdict: 'pass',
      details: { failures: [{ reason: 'ATTRIBUTE' }] },
    });
    for (const file of ['report.html', 'junit.xml', 'summary.md']) expect(existsSync(join(out, file)), file).toBe(true);

    // Credentials never leave the lab: no secret key or session token in any artifact or output.
    const artifacts = await Promise.all(
      ['results.json', 'report.html', 'junit.xml', 'summary.md'].map((file) => readFile(join(out, file), 'utf8')),
    );
    for (const text of [...artifacts, run.stdout, run.stderr]) {
      expect(text).not.toMatch(/"(SecretAccessKey|Token|SessionToken)"\s*:/);
      expect(text).not.toMatch(/aws_secret_access_key|AWS_SECRET_ACCESS_KEY=\S/);
    }
    // The report of this real run: its default view, then the drill-downs with the real evidence.
    const report = pathToFileURL(join(out, 'report.html')).href;
    await page.goto(report);
    await expect(page.locator('h1')).toContainText('on lab');
    await expect(page.locator('#matrix button.cell')).toHaveCount(2);
    await test
      .info()
      .attach('lab-run-default-view', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
    await page.goto(`${report}#cell=baseline`);
    const detail = page.locator('dialog#detail');
    await expect(detail).toBeVisible();
    await expect(detail.locator('pre.log')).toContainText('assumed-role/ecs-taskrole-');
    await detail.locator('details.console summary').click();
    await expect(detail.locator('pre.console')).toContainText('boot: finished');
    await page.goto(`${report}#cell=taskIamRoleFlag%3Dfalse`);
    await expect(detail).toContainText('ATTRIBUTE');
    await test
      .info()
      .attach('lab-run-drill-down', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });

    // The run started the lab, so it stopped it.
    expect(JSON.parse((await runCli(['lab', 'status', '--json'], { env })).stdout).state).toBe('stopped');
  });
});

test('a cell past its time limit is TIMEOUT with what its task logged so far; the run goes on and exits 3', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withPrivateLab('etr-run-timeout-', async ({ out, env }) => {
    // Nothing here depends on how fast the machine is. taskIamRoleFlag=false is decided by one RunTask
    // call (NOT_PLACED: no task runs), far inside 8 s. Without the host rules the AWS CLI retries the
    // unreachable credentials endpoint for about 20 s before it gives up, so that cell cannot finish
    // within 8 s; a busy machine only makes it slower.
    const grep = '^(ami=al2023-plain,hostRules=none|taskIamRoleFlag=false)$';
    const run = await runCli(['run', '--grep', grep, '--cell-timeout', '8', '--out', out], { env });
    expect(run.exitCode, run.stderr).toBe(3);
    const { byId } = await runResults(out);
    expect(byId['taskIamRoleFlag=false']).toMatchObject({ actual: { outcome: 'NOT_PLACED' }, verdict: 'pass' });
    const timedOut = byId['ami=al2023-plain,hostRules=none'];
    expect(timedOut).toMatchObject({ actual: { outcome: 'TIMEOUT' }, verdict: 'infra' });
    expect(timedOut?.details.taskArn).toMatch(/^arn:aws:ecs:.*:task\//);
    // The evidence is the last line the task had logged when the limit came (how many depends on timing).
    expect(timedOut?.actual.evidence.decidedBy).toBe(
      `time limit reached; last output: ${timedOut?.details.log.at(-1) ?? '(none)'}`,
    );
  });
});
