/**
 * Test support for cleanup.spec.ts: builds a lab with a proxy, one booted instance (whose user data leaves
 * a background process behind) and a bridge-task namespace, prints what it made as one JSON line, then
 * waits to be killed, so the spec can check what `cleanupLab` removes after a crash.
 */

import { createBridgeTaskNamespace } from '../host/bridge-task.ts';
import { createLabNetwork } from '../network/lab-network.ts';
import { netnsPids } from '../network/netns.ts';
import { startLabProxy } from '../proxy/lab-proxy.ts';
import { bootTestHost } from './test-host.ts';

const lab = await createLabNetwork();
const proxy = await startLabProxy(lab);
const { host } = await bootTestHost(lab, 'al2023-ecs', '#!/bin/bash\nsetsid sleep 1000 </dev/null >/dev/null 2>&1 &\n');
const task = await createBridgeTaskNamespace(host);
await task.exec('sh', ['-c', 'setsid sleep 1000 </dev/null >/dev/null 2>&1 &']);
const namespaces = [lab.names.vpcNetns, lab.names.proxyNetns, host.netns, task.netns];
const pids = (await Promise.all(namespaces.map((netns) => netnsPids(netns)))).flat();
process.stdout.write(`${JSON.stringify({ prefix: lab.prefix, dir: lab.dir, namespaces, pids, proxy: proxy.url })}\n`);
setInterval(() => undefined, 60_000);
