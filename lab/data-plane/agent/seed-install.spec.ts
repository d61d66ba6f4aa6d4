/**
 * The seed replay's own check: the seed's literal `yum install -y aws-cli` runs as its own step in the seed's
 * 128 MiB container, and the lab's dnf (AL2023's names only) refuses it and says why; the harness's own
 * install after it still makes the cell work. What the results record is read from the task's real log.
 */
import { expect, test } from '@playwright/test';
import { seedInstallOf } from '../../../core/results/seed-install.ts';
import { callerArn, clientContainer } from '../../../infra/task-definition/client-container.ts';
import { SEED_MEMORY_MIB, seedInstallCommand } from '../../../infra/task-definition/task-definition.ts';
import { type AgentLab, startAgentLab } from '../testing/agent-lab.ts';
import { REGION } from '../testing/mini-host.ts';

test.describe.configure({ mode: 'serial', timeout: 240_000 });

test.describe("the seed's literal install in a seed replay (needs root: namespaces)", () => {
  let lab: AgentLab;
  test.beforeAll(async () => {
    lab = await startAgentLab();
  });
  test.afterAll(async () => {
    await lab?.destroy();
  });

  test("dnf refuses aws-cli with the not-established line; the harness's awscli-2 then gets the task role", async () => {
    const container = clientContainer({
      client: 'awscli-v2',
      variant: 'pid1',
      cluster: lab.mini.clusterName,
      region: REGION,
      endpoint: lab.mini.moto.endpoint,
      seedInstall: seedInstallCommand(),
    });
    const { lines } = await lab.runTask({ container: { ...container, memory: SEED_MEMORY_MIB } });
    const output = lines.join('\n');
    const seed = seedInstallOf(lines);
    expect(seed, output).toMatchObject({ command: 'yum install -y aws-cli', exitCode: 1 });
    expect(seed?.output).toContain('No match for argument: aws-cli');
    expect(seed?.output.join('\n')).toContain("whether AL2023's repository resolves 'aws-cli'");
    expect(seed?.output.join('\n')).toContain('is not established');
    expect(callerArn(lines), output).toContain(`assumed-role/${lab.mini.taskRoleArn.split('/').pop()}/`);
  });
});
