import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { runCli } from '../testing/run-cli.ts';
import { isMotoProcess } from './control-plane/moto-process.ts';
import { isDataPlaneRunning } from './data-plane/daemon-process.ts';
import { readLabState } from './lab-state.ts';

async function labNamespaces(prefix: string): Promise<string[]> {
  const { stdout } = await execa('ip', ['netns', 'list']);
  return stdout.split('\n').filter((line) => line.startsWith(prefix));
}

test.describe.configure({ mode: 'serial', timeout: 300_000 });

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-lab-'));
});
test.afterEach(async () => {
  await runCli(['lab', 'down'], { env: { ECS_TASKROLE_LAB_DIR: dir } });
  await rm(dir, { recursive: true, force: true });
});

test('lab up → status → up again (reused) → down leaves no process, namespace or file', async () => {
  const env = { ECS_TASKROLE_LAB_DIR: dir };
  const up = await runCli(['lab', 'up'], { env });
  expect(up.exitCode).toBe(0);
  expect(up.stdout).toMatch(/^lab started: control plane http:\/\/127\.0\.0\.1:\d+ \(region us-west-2\)$/m);
  const lab = readLabState(dir);
  if (!lab) throw new Error('no lab state written');
  expect(statSync(join(dir, 'state.json')).mode & 0o777).toBe(0o600);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  expect(isMotoProcess(lab.motoPid)).toBe(true);
  const dataPlane = lab.dataPlane;
  if (!dataPlane) throw new Error('lab up started no data plane');
  expect(isDataPlaneRunning(dataPlane)).toBe(true);
  expect(await labNamespaces(dataPlane.prefix)).not.toEqual([]);
  expect(up.stdout + up.stderr).not.toContain(lab.identities.harness.secretAccessKey);

  const status = await runCli(['lab', 'status', '--json'], { env });
  expect(JSON.parse(status.stdout)).toMatchObject({ state: 'running', endpoint: lab.endpoint, pid: lab.motoPid });
  expect((await runCli(['lab', 'up'], { env })).stdout).toContain(`lab already running: control plane ${lab.endpoint}`);

  const down = await runCli(['lab', 'down'], { env });
  expect(down.stdout).toBe('lab stopped');
  expect(isMotoProcess(lab.motoPid)).toBe(false);
  expect(isDataPlaneRunning(dataPlane)).toBe(false);
  expect(await labNamespaces(dataPlane.prefix)).toEqual([]);
  expect(existsSync(dir)).toBe(false);
  expect(
    await fetch(lab.endpoint).then(
      () => 'answers',
      () => 'closed',
    ),
  ).toBe('closed');
});

test('after a crash (moto killed) status says stale and down clears it', async () => {
  const env = { ECS_TASKROLE_LAB_DIR: dir };
  expect((await runCli(['lab', 'up'], { env })).exitCode).toBe(0);
  const lab = readLabState(dir);
  if (!lab) throw new Error('no lab state written');
  process.kill(lab.motoPid, 'SIGKILL');
  for (let i = 0; i < 400 && isMotoProcess(lab.motoPid); i += 1) await new Promise((r) => setTimeout(r, 50));
  expect(JSON.parse((await runCli(['lab', 'status', '--json'], { env })).stdout)).toMatchObject({ state: 'stale' });
  expect((await runCli(['lab', 'down'], { env })).exitCode).toBe(0);
  expect(existsSync(dir)).toBe(false);
});

test('a data plane stuck at lab down is killed after its grace; its log is kept and named', async () => {
  test.setTimeout(360_000);
  const env = { ECS_TASKROLE_LAB_DIR: dir };
  expect((await runCli(['lab', 'up'], { env })).exitCode).toBe(0);
  const dataPlane = readLabState(dir)?.dataPlane;
  if (!dataPlane) throw new Error('lab up started no data plane');
  process.kill(dataPlane.pid, 'SIGSTOP'); // SIGTERM stays pending: only SIGKILL ends it
  const down = await runCli(['lab', 'down'], { env });
  expect(down.exitCode).toBe(0);
  const kept = /its log: (\S+\.log)$/m.exec(down.stderr)?.[1];
  expect(kept, down.stderr).toBeDefined();
  try {
    expect(statSync(kept ?? '').mode & 0o777).toBe(0o600);
    expect(readFileSync(kept ?? '', 'utf8')).toContain(`data plane: ready (network ${dataPlane.prefix}`);
    expect(isDataPlaneRunning(dataPlane)).toBe(false);
    expect(await labNamespaces(dataPlane.prefix)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  } finally {
    await rm(kept ?? '', { force: true });
  }
});
