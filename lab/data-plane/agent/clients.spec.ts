/**
 * Each real client, run by the lab agent as an ECS task in a namespace where 169.254.170.2:80 reaches the
 * agent's endpoint through ecs-init's iptables rules and IMDS serves a different (instance) identity:
 * the identity each one reports emerges from its own credential chain.
 */

import { expect, test } from '@playwright/test';
import {
  CLIENTS,
  type ClientId,
  callerArn,
  clientContainer,
  type ProcessVariant,
} from '../../../infra/task-definition/client-container.ts';
import { prepareGoClients } from '../../images/go-clients.ts';
import { type AgentLab, startAgentLab } from '../testing/agent-lab.ts';
import { REGION } from '../testing/mini-host.ts';

test.describe.configure({ mode: 'serial', timeout: 360_000 });

const VARIANTS: readonly ProcessVariant[] = ['pid1', 'env-reset-child', 'env-reset-child-profile-fix'];

test.describe('real clients in lab tasks (needs root: namespaces)', () => {
  let lab: AgentLab;
  test.beforeAll(async () => {
    // The Go clients are prepared per plan in a run; this spec runs them, so it prepares them itself.
    await prepareGoClients(() => {});
    lab = await startAgentLab();
    await lab.agent.registered;
  });
  test.afterAll(async () => {
    await lab?.destroy();
  });

  for (const client of CLIENTS) {
    for (const variant of VARIANTS) {
      // aws-sdk 2.4.6 has no container provider; a clean-environment child loses the variable.
      const expectsTaskRole = client !== 'sdk-js-v2-2016' && variant !== 'env-reset-child';
      test(`${client} ${variant} → ${expectsTaskRole ? 'task role' : 'instance role'}`, async () => {
        const run = await lab.runTask({ container: containerFor(lab, client, variant) });
        const arn = callerArn(run.lines);
        const role = expectsTaskRole ? lab.mini.taskRoleArn.split('/').pop() : lab.mini.instanceRoleName;
        expect(arn, run.lines.join('\n')).toMatch(new RegExp(`^arn:aws:sts::\\d{12}:assumed-role/${role}/`));
        expect(run.lines.join('\n')).toContain('"taskArns"');
        if (client === 'sdk-js-v3') {
          expect(run.lines).toContain(
            `container-credentials-variable: ${variant === 'env-reset-child' ? 'unset' : 'set'}`,
          );
        }
        expect(run.stopped.containers[0]?.exitCode).toBe(0);
      });
    }
  }

  test('a burst of credential fetches from the task (default limit 40,60) is not throttled', async () => {
    const container = containerFor(lab, 'sdk-js-v3', 'pid1', 20);
    const run = await lab.runTask({ container });
    expect(run.lines).toContain('burst: 20 fetches, 0 throttled (429), 0 errors');
  });

  // A proxy that refuses at once (nothing listens on the task's own loopback port 9), and a NO_PROXY for IMDS and the control plane but not 169.254.170.2:
  // only a client whose own HTTP code sends the credentials request to the proxy loses its task role.
  const proxyEnvironment = (lab: AgentLab) => [
    { name: 'HTTP_PROXY', value: 'http://127.0.0.1:9' },
    { name: 'HTTPS_PROXY', value: 'http://127.0.0.1:9' },
    { name: 'NO_PROXY', value: `169.254.169.254,${new URL(lab.mini.moto.endpoint).hostname}` },
  ];
  for (const client of ['sdk-go-v1', 'sdk-go-v2'] as const) {
    test(`${client} sends the container-credentials request through HTTP_PROXY: no credentials, no IMDS fallback`, async () => {
      const run = await lab.runTask({ container: containerFor(lab, client, 'pid1', undefined, proxyEnvironment(lab)) });
      const output = run.lines.join('\n');
      expect(run.lines, output).toContain('container-credentials-variable: set');
      expect(output).toMatch(/NoCredentialProviders|failed to refresh cached credentials/);
      expect(callerArn(run.lines), output).toBeUndefined();
      expect(run.stopped.containers[0]?.exitCode).toBe(1);
    });
  }
  test('the CLI ignores HTTP_PROXY for the container-credentials request: task role', async () => {
    const run = await lab.runTask({
      container: containerFor(lab, 'awscli-v2', 'pid1', undefined, proxyEnvironment(lab)),
    });
    expect(callerArn(run.lines), run.lines.join('\n')).toContain(
      `assumed-role/${lab.mini.taskRoleArn.split('/').pop()}/`,
    );
  });
});

function containerFor(
  lab: AgentLab,
  client: ClientId,
  variant: ProcessVariant,
  burst?: number,
  extraEnvironment?: { name: string; value: string }[],
) {
  return clientContainer({
    client,
    variant,
    cluster: lab.mini.clusterName,
    region: REGION,
    endpoint: lab.mini.moto.endpoint,
    ...(burst ? { burst } : {}),
    ...(extraEnvironment ? { extraEnvironment } : {}),
  });
}
