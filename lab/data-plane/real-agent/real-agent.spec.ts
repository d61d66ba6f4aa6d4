/**
 * The lab's real parts (issue 28), as far as they work on their own: the agent build and its cache, a
 * real Docker engine in a lab instance's namespace (imported image, memory limit enforced, nothing left
 * after it stops), the agent and pause images it loads. Root; the first run builds the agent (minutes).
 */
import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { useLabNetwork } from '../testing/lab-network-fixture.ts';
import { bootTestHost } from '../testing/test-host.ts';
import { buildAgent } from './agent-build.ts';
import { agentImages, ECS_INIT_AGENT_IMAGE, plainAmiAgentImage } from './agent-images.ts';
import { PAUSE_IMAGE } from './agent-versions.ts';
import { DOCKER_CLI, type DockerEngine, INSTANCE_DOCKER_SOCKET, startDockerEngine } from './docker-engine.ts';
import { importMemoryHog, MEMORY_HOG_IMAGE } from './testing/test-images.ts';

test.describe.configure({ mode: 'serial', timeout: 40 * 60_000 });

const VERSION = '1.101.2';
const lab = useLabNetwork();
/** Whether the machine has a Docker socket of its own (its dockerd): an engine of the lab must not change it. */
const machineHadSocket = existsSync('/run/docker.sock');

test('the agent build is cached by version and commit: the second build compiles nothing', async () => {
  const lines: string[] = [];
  const first = await buildAgent(VERSION, { log: (line) => lines.push(line) });
  const second = await buildAgent(VERSION, { log: (line) => lines.push(line) });
  expect(second.cached).toBe(true);
  expect(second.dir).toBe(first.dir);
  expect(second.manifest).toEqual(first.manifest);
  expect(second.manifest).toMatchObject({ version: VERSION, commit: 'a686342fd0bf6cf77e692067e6fee73448855c3d' });
  expect(second.manifest.goVersion).toMatch(/^go1\.23\./);
  const agent = await execa(second.agent, ['--version'], { reject: false });
  expect(agent.stdout).toContain(VERSION);
  const ecsInit = await execa(second.ecsInit, ['version'], { reject: false });
  expect(`${ecsInit.stdout}${ecsInit.stderr}`).toMatch(/ecs-init version \d+\.\d+\.\d+/);
  expect(existsSync(second.pause)).toBe(true);
});

test.describe('a Docker engine in a lab instance', () => {
  let engine: DockerEngine | undefined;
  let cgroupParent = '';

  test.afterAll(async () => {
    await engine?.stop();
  });

  test('runs an imported image with its memory limit enforced', async () => {
    const { host } = await bootTestHost(lab(), 'al2023-plain', '');
    cgroupParent = `/${host.netns}`;
    engine = await startDockerEngine({
      netns: host.netns,
      dir: `${lab().dir}/d/spec`,
      cgroupParent,
      bridgeIp: '198.19.0.1/24',
    });
    // Its docker0 is in the instance's namespace, not the machine's.
    expect((await execa('ip', ['-n', host.netns, '-o', 'addr', 'show', 'docker0'])).stdout).toContain('198.19.0.1/24');
    await importMemoryHog(engine);
    const within = await engine.docker(['run', '--rm', '-m', '64m', '--memory-swap', '64m', MEMORY_HOG_IMAGE, '32']);
    expect(within.stdout).toBe('allocated 32 MiB');
    const past = await engine.docker(
      ['run', '--name', 'past', '-m', '64m', '--memory-swap', '64m', MEMORY_HOG_IMAGE, '200'],
      {
        allowFailure: true,
      },
    );
    expect(past.exitCode).toBe(137);
    const state = await engine.docker(['inspect', '--format', '{{.State.OOMKilled}} {{.HostConfig.Memory}}', 'past']);
    expect(state.stdout).toBe(`true ${64 * 1024 * 1024}`);
  });

  test("its socket is the instance's /var/run/docker.sock in its own /run; the machine's /run is left alone", async () => {
    test.skip(!engine, 'needs the engine of the test before');
    const running = engine as DockerEngine;
    const inEngine = (args: readonly string[]) =>
      execa('nsenter', [`--target=${running.pid}`, '--mount', '--net', DOCKER_CLI, ...args]);
    const viaInstanceSocket = await inEngine([
      '--host',
      `unix://${INSTANCE_DOCKER_SOCKET}`,
      'info',
      '--format',
      '{{.ID}}',
    ]);
    const viaLabSocket = await running.docker(['info', '--format', '{{.ID}}']);
    expect(viaInstanceSocket.stdout).toBe(viaLabSocket.stdout);
    // A container binding the instance's socket (a sibling-starting task) gets the engine's, and the bind
    // leaves nothing in the machine's /run (a missing source would be made there as a folder).
    await running.docker([
      'run',
      '--rm',
      '-v',
      `${INSTANCE_DOCKER_SOCKET}:/var/run/docker.sock`,
      MEMORY_HOG_IMAGE,
      '1',
    ]);
    expect(existsSync('/run/docker.sock')).toBe(machineHadSocket);
    // The machine's /run is still there for it (instance folders, namespaces), through links.
    expect((await execa('nsenter', [`--target=${running.pid}`, '--mount', 'test', '-d', '/run/netns/'])).exitCode).toBe(
      0,
    );
  });

  test('loads the agent image and the pause tarball built from the agent build', async () => {
    test.skip(!engine, 'needs the engine of the test before');
    const images = await agentImages(await buildAgent(VERSION));
    await engine?.docker(['load', '--input', images.agent]);
    await engine?.docker(['load', '--input', images.pause]);
    const listed = (await engine?.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']))?.stdout.split('\n') ?? [];
    expect(listed).toEqual(
      expect.arrayContaining([
        ECS_INIT_AGENT_IMAGE,
        plainAmiAgentImage(VERSION),
        `${PAUSE_IMAGE.name}:${PAUSE_IMAGE.tag}`,
      ]),
    );
    const version = await engine?.docker(['run', '--rm', ECS_INIT_AGENT_IMAGE, '--version']);
    expect(version?.stdout).toContain(VERSION);
  });

  test('stops with nothing left: no daemon, no cgroup, no folder', async () => {
    test.skip(!engine, 'needs the engine of the tests before');
    const stopped = engine as DockerEngine;
    await stopped.stop();
    expect(existsSync(`/proc/${stopped.pid}`)).toBe(false);
    expect(existsSync(`/sys/fs/cgroup/memory${cgroupParent}`)).toBe(false);
    expect(existsSync(stopped.dir)).toBe(false);
  });
});
