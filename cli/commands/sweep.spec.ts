import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { expect, test } from '@playwright/test';
import { IAM_PATH, runTags } from '../../infra/aws/tags.ts';
import { harnessClientConfig } from '../../lab/index.ts';
import { withOwnLab } from '../../lab/testing/index.ts';
import { runCli } from '../../testing/run-cli.ts';

test.describe.configure({ timeout: 300_000 });

test('sweep on a lab whose data plane never started (a run killed during lab up) deletes what expired', async () => {
  await withOwnLab({ prefix: 'etr-sweep-' }, async ({ lab, labDir }) => {
    expect(lab.dataPlane).toBeUndefined();
    const iam = new IAMClient(harnessClientConfig(lab));
    const trust = { Version: '2012-10-17', Statement: [] };
    const aDayAgo = new Date(Date.now() - 24 * 3_600_000);
    for (const [run, startedAt] of [
      ['rold', aDayAgo],
      ['rnew', new Date()],
    ] as const) {
      await iam.send(
        new CreateRoleCommand({
          RoleName: `ecs-taskrole-${run}-execution`,
          Path: IAM_PATH,
          AssumeRolePolicyDocument: JSON.stringify(trust),
          Tags: runTags(run, startedAt),
        }),
      );
    }

    const sweep = await runCli(['sweep'], { env: { ECS_TASKROLE_LAB_DIR: labDir } });
    expect(sweep.exitCode, sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain('deleted role ecs-taskrole-rold-execution');
    expect(sweep.stdout).toContain('1 resource(s) deleted');
    await expect(iam.send(new GetRoleCommand({ RoleName: 'ecs-taskrole-rold-execution' }))).rejects.toThrow();
    await iam.send(new GetRoleCommand({ RoleName: 'ecs-taskrole-rnew-execution' }));
    iam.destroy();
  });
});
