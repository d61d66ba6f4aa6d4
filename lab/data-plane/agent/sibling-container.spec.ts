/**
 * Sibling containers: a task that mounts the instance's Docker socket and runs `docker run` starts a
 * container beside itself, which the lab's Docker (the agent's socket) starts from its image and the
 * variables the CLI names — never the task's. The identity each one reports comes from its own chain.
 */

import { expect, test } from '@playwright/test';
import {
  callerArn,
  clientContainer,
  DOCKER_SOCKET_VOLUMES,
  type ProcessVariant,
} from '../../../infra/task-definition/client-container.ts';
import { useAgentLab } from '../testing/agent-lab.ts';
import { REGION } from '../testing/mini-host.ts';

test.describe.configure({ mode: 'serial', timeout: 240_000 });

test.describe('sibling containers through the Docker socket (needs root: namespaces)', () => {
  const lab = useAgentLab();

  const run = (variant: ProcessVariant, withVolumes = true) =>
    lab().runTask({
      container: clientContainer({
        client: 'sdk-js-v3',
        variant,
        cluster: lab().mini.clusterName,
        region: REGION,
        endpoint: lab().mini.moto.endpoint,
      }),
      ...(withVolumes ? { volumes: DOCKER_SOCKET_VOLUMES } : {}),
    });

  test('a sibling container gets no credentials variable and falls back to the instance role', async () => {
    const { lines, stopped } = await run('sibling-container');
    const output = lines.join('\n');
    expect(lines, output).toContain('container-credentials-variable: unset');
    expect(callerArn(lines), output).toMatch(
      new RegExp(`^arn:aws:sts::\\d{12}:assumed-role/${lab().mini.instanceRoleName}/`),
    );
    expect(stopped.containers[0]?.exitCode).toBe(0);
  });

  test('given the variable with docker run -e, the sibling reaches the agent through docker0: task role', async () => {
    const { lines } = await run('sibling-container-env-forwarded');
    const output = lines.join('\n');
    expect(lines, output).toContain('container-credentials-variable: set');
    expect(callerArn(lines), output).toContain(`assumed-role/${lab().mini.taskRoleArn.split('/').pop()}/`);
  });

  test('without the socket mounted the task cannot start a sibling (Docker CLI: no daemon)', async () => {
    const { lines, stopped } = await run('sibling-container', false);
    expect(lines.join('\n')).toContain('Cannot connect to the Docker daemon at unix:///var/run/docker.sock');
    expect(stopped.containers[0]?.exitCode).toBe(125);
  });

  test('a host volume other than the Docker socket is refused: the task stops before it runs', async () => {
    const { stopped } = await lab().runTask({
      container: { command: ['true'], mountPoints: [{ sourceVolume: 'etc', containerPath: '/host-etc' }] },
      volumes: [{ name: 'etc', host: { sourcePath: '/etc' } }],
    });
    expect(stopped.reason).toContain('host volume /etc is not simulated');
  });
});
