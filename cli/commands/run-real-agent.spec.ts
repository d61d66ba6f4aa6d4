/**
 * `ecs-taskrole run --lab-agent real` end to end: the real ECS agent (built from source, cached; the first
 * run builds it) in a real Docker engine per instance, task images imported, bridge networking through the
 * engine's docker0 and the credential rules, the task's logs through Docker's awslogs driver. Three cells:
 * two outcomes, and a client on the node image (made from the project's Node and SDK packages); the results
 * record the agent version its instance connected with. Root only (the lab's own condition).
 */
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
