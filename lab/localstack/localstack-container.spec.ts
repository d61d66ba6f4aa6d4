/**
 * The LocalStack backend's testcontainers path for real (issue 28): `run --backend localstack` with a Docker
 * engine, LocalStack's image replaced by a locally imported stand-in (testing/standin-image.ts: moto's
 * server behind LocalStack's port, log line and health endpoint). testcontainers creates the container,
 * waits for its log line, maps port 4566 to a port of the engine's host, and removes it at the end; the
 * baseline cell runs against it on the lab's data plane. The engine is the lab's (docker-engine.ts), in a
 * lab instance's network namespace with its own socket, handed to testcontainers with DOCKER_HOST; its
 * host is the instance's address (TESTCONTAINERS_HOST_OVERRIDE). Ryuk's image is not here either:
 * TESTCONTAINERS_RYUK_DISABLED, so what Ryuk adds (removal after a killed run) is not shown here.
 * Only the `run` child sees these variables: testcontainers keeps its first runtime for the whole process.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { RunResults } from '../../core/results/results-schema.ts';
import { backendRecordSchema } from '../../infra/backends/backend-record.ts';
import { DOCKER_ENGINE_PACKAGES, ensureSystemPackages, missingPackages } from '../../infra/system/system-packages.ts';
import { runCli } from '../../testing/run-cli.ts';
import { findMotoPython } from '../control-plane/find-moto.ts';
import { createLabNetwork, type LabNetwork } from '../data-plane/network/lab-network.ts';
import { labSkipReason } from '../data-plane/network/preflight.ts';
import { type DockerEngine, startDockerEngine } from '../data-plane/real-agent/docker-engine.ts';
import { bootTestHost } from '../data-plane/testing/test-host.ts';
import { importLocalStackStandIn, STANDIN_IMAGE } from './testing/standin-image.ts';

test.describe.configure({ timeout: 30 * 60_000 });

test('run --backend localstack through testcontainers: the container is started, waited for, mapped, used and removed', async () => {
  test.skip(labSkipReason() !== undefined, labSkipReason() ?? '');
  const engineMissing = await dockerEngineMissing();
  test.skip(engineMissing !== undefined, engineMissing ?? '');
  const python = await findMotoPython(process.env, () => {}).catch((error: Error) => error);
  test.skip(python instanceof Error, `the stand-in image carries this machine's moto: ${String(python)}`);

  const dir = await mkdtemp(join(tmpdir(), 'etr-ls-container-'));
  let network: LabNetwork | undefined;
  let engine: DockerEngine | undefined;
  try {
    network = await createLabNetwork();
    const { host } = await bootTestHost(network, 'al2023-plain', '');
    engine = await startDockerEngine({
      netns: host.netns,
      dir: join(network.dir, 'd', 'ls'),
      cgroupParent: `/${host.netns}`,
      bridgeIp: '198.19.0.1/24',
    });
    await importLocalStackStandIn(engine, String(python), dir);
    const since = Math.floor(Date.now() / 1000);
    const out = join(dir, 'out');
    const run = await runCli(['run', '--backend', 'localstack', '--grep', '^baseline$', '--out', out], {
      env: {
        ECS_TASKROLE_LAB_DIR: join(dir, 'lab'),
        DOCKER_HOST: `unix://${engine.socket}`,
        TESTCONTAINERS_HOST_OVERRIDE: host.privateIp,
        TESTCONTAINERS_RYUK_DISABLED: 'true',
        ECS_TASKROLE_LOCALSTACK_IMAGE: STANDIN_IMAGE,
        ECS_TASKROLE_LOCALSTACK_ENDPOINT: undefined,
        LOCALSTACK_AUTH_TOKEN: undefined,
      },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.run.backend).toBe('localstack');
    expect(results.cells).toMatchObject([{ id: 'baseline', actual: { outcome: 'TASK_ROLE' }, verdict: 'pass' }]);

    // The run talked to the container through the port testcontainers mapped on the engine's host.
    const record = backendRecordSchema.parse(JSON.parse(await readFile(join(out, 'backend.json'), 'utf8')));
    const mapped = Number(new URL(record.endpoint ?? 'http://none').port);
    expect(record.endpoint).toBe(`http://${host.privateIp}:${mapped}`);
    expect(mapped).not.toBe(4566);

    // The engine saw testcontainers' container of the stand-in come and go, and holds no container now.
    const events = await engine.docker([
      'events',
      '--since',
      String(since),
      '--until',
      String(Math.ceil(Date.now() / 1000) + 1),
      '--filter',
      'type=container',
      '--filter',
      `image=${STANDIN_IMAGE}`,
      '--format',
      '{{.Action}} {{index .Actor.Attributes "org.testcontainers"}}',
    ]);
    const actions = events.stdout.split('\n').filter(Boolean);
    expect(actions).toEqual(expect.arrayContaining(['create true', 'start true', 'destroy true']));
    expect(actions.filter((action) => action === 'create true')).toHaveLength(1);
    expect((await engine.docker(['ps', '--all', '--quiet'])).stdout).toBe('');
  } finally {
    await engine?.stop();
    await network?.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** Why no lab Docker engine can start here: docker.io missing and not installable (installed when it can be). */
async function dockerEngineMissing(): Promise<string | undefined> {
  if ((await missingPackages(DOCKER_ENGINE_PACKAGES)).length === 0) return undefined;
  return ensureSystemPackages(DOCKER_ENGINE_PACKAGES).then(
    () => undefined,
    (error: Error) => `Debian's docker.io is not installed and could not be: ${error.message}`,
  );
}
