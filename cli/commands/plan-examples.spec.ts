import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { runCli } from '../../testing/run-cli.ts';

const MATRICES = fileURLToPath(new URL('../../fixtures/matrices/', import.meta.url));

for (const [example, dimension] of [
  ['upgrade-gate.yaml', 'taskIamRoleFlag'],
  ['proxy-fleet.yaml', 'taskProxy'],
  ['plain-ami-fleet.yaml', 'hostRules'],
  ['host-incidents.yaml', 'hostFirewall'],
  ['incidents-clients.yaml', 'client'],
  ['agent-versions.yaml', 'agentVersion'],
  ['imds-metadata.yaml', 'imdsOptions'],
] as const) {
  test(`\`plan --matrix ${example}\` plans it (exit 0, cells varying ${dimension})`, async () => {
    const result = await runCli(['plan', '--matrix', `${MATRICES}${example}`, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as { cells: { id: string }[]; instanceGroups: unknown[] };
    expect(plan.cells.length).toBeGreaterThan(5);
    expect(plan.instanceGroups.length).toBeGreaterThan(0);
    expect(plan.cells.some((cell) => cell.id.includes(`${dimension}=`))).toBe(true);
  });
}
