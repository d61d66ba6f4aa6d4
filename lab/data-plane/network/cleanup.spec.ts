import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { processAlive } from '../../../infra/system/process-alive.ts';
import { runCli } from '../../../testing/run-cli.ts';
import { createBridgeTaskNamespace } from '../host/bridge-task.ts';
import { startLabProxy } from '../proxy/lab-proxy.ts';
import { bootTestHost, namedListener } from '../testing/test-host.ts';
import { cleanupLab } from './cleanup.ts';
import { createLabNetwork } from './lab-network.ts';
import { labStatus } from './lab-status.ts';
import { newLabPrefix } from './naming.ts';
import { listNetns, listRootLinks, netnsPids } from './netns.ts';
import { labSkipReason } from './preflight.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

const CRASH_LAB = fileURLToPath(new URL('../testing/crash-lab.ts', import.meta.url));

async function leftovers(prefix: string) {
  const own = (name: string) => name.startsWith(prefix);
  return {
    namespaces: (await listNetns()).filter(own),
    links: (await listRootLinks()).filter(own),
  };
}

test('shutdown() and lab close leave no namespace, link, process or folder behind', async () => {
  const lab = await createLabNetwork();
  const { prefix, dir } = lab;
  let pids: number[] = [];
  try {
    await startLabProxy(lab);
    const { host } = await bootTestHost(
      lab,
      'al2-ecs',
      '#!/bin/bash\nsetsid sleep 1000 </dev/null >/dev/null 2>&1 &\n',
    );
    const task = await createBridgeTaskNamespace(host);
    const agentEndpoint = await namedListener(host.netns, '127.0.0.1', 51679, 'agent');
    const namespaces = [lab.names.vpcNetns, lab.names.proxyNetns, host.netns, task.netns];
    pids = (await Promise.all(namespaces.map((netns) => netnsPids(netns)))).flat();
    expect(pids.length).toBeGreaterThanOrEqual(3);
    expect((await leftovers(prefix)).namespaces).toHaveLength(4);

    await agentEndpoint.close();
    await host.shutdown();
    // The task namespace belongs to the agent; the instance's shutdown leaves it to cleanup.
  } finally {
    await lab.close();
  }
  expect(await leftovers(prefix)).toEqual({ namespaces: [], links: [] });
  expect(pids.filter(processAlive)).toEqual([]);
  expect(existsSync(dir)).toBe(false);
  // Idempotent.
  expect((await cleanupLab(prefix)).namespaces).toEqual([]);
});

test("a crashed owner's lab is left alone while it runs and removed by cleanupLab() once it is dead", async () => {
  const child = execa(process.execPath, [CRASH_LAB], { buffer: false, reject: false, stdin: 'ignore' });
  let made: { prefix: string; dir: string; namespaces: string[]; pids: number[] } | undefined;
  try {
    made = await new Promise((resolve, reject) => {
      let text = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(JSON.parse(text.slice(0, text.indexOf('\n'))));
      });
      child.then((result) => reject(new Error(`crash lab exited ${result.exitCode}: ${result.stderr}`)));
    });
    if (!made) throw new Error('no lab');
    expect(made.pids.length).toBeGreaterThanOrEqual(4);

    // A lab whose owner runs belongs to someone else's session: a prefix-less cleanup skips it. (Only ever
    // among this spec's own labs: other labs on this machine are not this spec's to remove.)
    const mine = { among: [made.prefix] };
    const whileAlive = await cleanupLab(undefined, mine);
    expect(whileAlive.skippedLive).toContain(made.prefix);
    expect((await leftovers(made.prefix)).namespaces).toHaveLength(4);

    const prefix = made.prefix;
    const statusOf = async () => (await labStatus()).find((lab) => lab.prefix === prefix);
    expect(await statusOf()).toMatchObject({ ownerAlive: true, ownerPid: child.pid });

    child.kill('SIGKILL');
    await child;
    expect((await statusOf())?.ownerAlive).toBe(false);
    // A dry run names it and removes nothing, from the CLI too.
    expect((await cleanupLab(undefined, { ...mine, dryRun: true })).prefixes).toEqual([made.prefix]);
    const labDir = await mkdtemp(join(tmpdir(), 'etr-cleanup-dry-'));
    try {
      const dry = await runCli(['sweep', '--dry-run', '--json'], { env: { ECS_TASKROLE_LAB_DIR: labDir } });
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect((JSON.parse(dry.stdout) as { removedLabNetworks: string[] }).removedLabNetworks).toContain(made.prefix);
    } finally {
      await rm(labDir, { recursive: true, force: true });
    }
    expect((await leftovers(made.prefix)).namespaces).toHaveLength(4);
    expect(made.pids.filter(processAlive).length).toBeGreaterThan(0);
    const report = await cleanupLab(undefined, mine);
    expect(report.prefixes).toContain(made.prefix);
    expect(await leftovers(made.prefix)).toEqual({ namespaces: [], links: [] });
    expect(made.pids.filter(processAlive)).toEqual([]);
    expect(existsSync(made.dir)).toBe(false);
  } finally {
    child.kill('SIGKILL');
    if (made) await cleanupLab(made.prefix);
  }
});

test('an unrecorded lab network goes only once no process is left in its namespaces and after the grace period', async () => {
  let prefix = newLabPrefix();
  while ((await listNetns()).some((name) => name.startsWith(prefix))) prefix = newLabPrefix();
  const netns = `${prefix}-vpc`;
  await execa('ip', ['netns', 'add', netns]);
  const sleeper = execa('ip', ['netns', 'exec', netns, 'sleep', '1000'], { reject: false });
  try {
    const mine = { among: [prefix] };
    await expect.poll(async () => (await netnsPids(netns)).length).toBeGreaterThan(0);
    const busy = await cleanupLab(undefined, { ...mine, unrecordedGraceMs: 0 });
    expect(busy.prefixes).toEqual([]);
    expect(busy.skippedUnrecorded).toEqual([{ prefix, reason: expect.stringContaining(`still in ${netns}`) }]);

    sleeper.kill('SIGKILL');
    await sleeper;
    const young = await cleanupLab(undefined, mine);
    expect(young.prefixes).toEqual([]);
    expect(young.skippedUnrecorded[0]?.reason).toContain('grace');

    const dry = await cleanupLab(undefined, { ...mine, unrecordedGraceMs: 0, dryRun: true });
    expect(dry.prefixes).toEqual([prefix]);
    expect(await listNetns()).toContain(netns);

    const removed = await cleanupLab(undefined, { ...mine, unrecordedGraceMs: 0 });
    expect(removed.prefixes).toEqual([prefix]);
    expect(await listNetns()).not.toContain(netns);
  } finally {
    sleeper.kill('SIGKILL');
    await cleanupLab(prefix);
  }
});
