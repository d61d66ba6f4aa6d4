/**
 * `ecs-taskrole run --lab-agent real` end to end: the real ECS agent (built from source, cached; the first
 * run builds it) in a real Docker engine per instance, task images imported, bridge networking through the
 * engine's docker0 and the credential rules, the task's logs through Docker's awslogs driver. Three cells:
 * two outcomes, and a client on the node image (made from the project's Node and SDK packages); the results
 * record the agent version its instance connected with. And a run whose engine seed cannot be made: its
 * cells end at once, naming the seed's failure. Root only (the lab's own condition).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { DEFAULT_AGENT_VERSION, labSkipReason } from '../../lab/index.ts';
import { runCli } from '../../testing/run-cli.ts';
import { runResults, withPrivateLab } from './testing/private-lab.ts';

// A cold agent build on a busy 2-core machine takes most of an hour (docs/lab-differences.md, "Real agent").
test.describe.configure({ timeout: 90 * 60_000 });

test('run --lab-agent real: the cells agree with their expectation on the real agent, its version recorded', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  await withPrivateLab('etr-run-real-', async ({ out, env }) => {
    const run = await runCli(
      [
        'run',
        '--lab-agent',
        'real',
        '--grep',
        '^(baseline|taskIamRoleFlag=false|client=sdk-js-v3)$',
        '--out',
        out,
        '--json',
      ],
      { env },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const { results, byId } = await runResults(out);
    expect(results.run.labAgent).toBe('real');
    expect(results.run.amis['al2023-ecs']?.agentVersion).toBe(DEFAULT_AGENT_VERSION);
    expect(byId.baseline).toMatchObject({ actual: { outcome: 'TASK_ROLE' }, verdict: 'pass' });
    // The task role's session is named after the task, as ECS names it, and reached the client through the
    // real agent's credentials endpoint.
    expect(byId.baseline?.actual.evidence.callerArn).toMatch(
      /assumed-role\/ecs-taskrole-.*-task-ecs-tasks-list-tasks\//,
    );
    expect(byId['taskIamRoleFlag=false']).toMatchObject({ actual: { outcome: 'NOT_PLACED' }, verdict: 'pass' });
    // The node image is imported like the others: the task's npm links the SDK, its node runs the client.
    expect(byId['client=sdk-js-v3']).toMatchObject({ actual: { outcome: 'TASK_ROLE' }, verdict: 'pass' });
  });
});

/**
 * Far below the real agent's registration limit (900 s, lab-profile.ts): a cell that waited for the limit
 * instead of learning of the seed's failure would time this test out.
 */
const WELL_BEFORE_THE_LIMIT_MS = 10 * 60_000;

test('run --lab-agent real whose engine seed fails: the cell ends INFRA_ERROR at once, naming the seed and its log', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  test.setTimeout(WELL_BEFORE_THE_LIMIT_MS);
  await withPrivateLab('etr-run-seed-', async ({ dir, labDir, out, env: labEnv }) => {
    // A sources folder without the agent's tarball: the seed's first step (the agent build, which hashes its
    // source even when the build is cached) fails every time it is tried, as any failure of the seed would.
    const env = { ...labEnv, ECS_TASKROLE_AGENT_SOURCES: join(dir, 'no-sources') };
    await mkdir(env.ECS_TASKROLE_AGENT_SOURCES);
    const run = await runCli(['run', '--lab-agent', 'real', '--grep', '^baseline$', '--out', out], { env });
    // Exit 3: a cell the run could not judge (the lab's failure is never a verdict about the configuration).
    expect(run.exitCode, run.stderr).toBe(3);
    const { results } = await runResults(out);
    const [baseline] = results.cells;
    expect(baseline?.actual.outcome).toBe('INFRA_ERROR');
    const reason = baseline?.actual.evidence.decidedBy ?? '';
    // EC2 ended the instance with an internal error (the harness saw it terminated, not a limit run out) ...
    expect(reason).toMatch(
      /never registered in cluster \S+: EC2 shows the instance terminated \(Server\.InternalError: /,
    );
    // ... and the lab says which of its parts failed, why, and where its log is.
    expect(reason).toContain(`the lab's engine seed for ECS agent ${DEFAULT_AGENT_VERSION} failed`);
    expect(reason).toContain(`its log: ${join(labDir, 'data-plane.log')}`);
    expect(reason).toContain('no-sources');
    // The instance's console says the same, as the cell's evidence.
    expect(baseline?.details.console).toContain('ecs-init: agent failed to start');
  });
});
