import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { processAlive } from '../../system/process-alive.ts';
import { cleanupLab } from './cleanup.ts';
import { createBridgeTaskNamespace } from './host/bridge-task.ts';
import { createLabNetwork } from './network/lab-network.ts';
import { labStatus } from './network/lab-status.ts';
import { listNetns, listRootLinks, netnsPids } from './network/netns.ts';
import { labSkipReason } from './network/preflight.ts';
import { startLabProxy } from './proxy/lab-proxy.ts';
import { bootTestHost, namedListener } from './testing/test-host.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

const CRASH_LAB = fileURLToPath(new URL('./testing/crash-lab.ts', import.meta.url));

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

    // A lab whose owner runs belongs to someone else's session: a prefix-less cleanup skips it.
    const whileAlive = await cleanupLab();
    expect(whileAlive.skippedLive).toContain(made.prefix);
    expect((await leftovers(made.prefix)).namespaces).toHaveLength(4);

    const prefix = made.prefix;
    const statusOf = async () => (await labStatus()).find((lab) => lab.prefix === prefix);
    expect(await statusOf()).toMatchObject({ ownerAlive: true, ownerPid: child.pid });

    child.kill('SIGKILL');
    await child;
    expect((await statusOf())?.ownerAlive).toBe(false);
    const report = await cleanupLab();
    expect(report.prefixes).toContain(made.prefix);
    expect(await leftovers(made.prefix)).toEqual({ namespaces: [], links: [] });
    expect(made.pids.filter(processAlive)).toEqual([]);
    expect(existsSync(made.dir)).toBe(false);
  } finally {
    child.kill('SIGKILL');
    if (made) await cleanupLab(made.prefix);
  }
});
