import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { InfrastructureError } from '../../../core/errors.ts';
import { moduleFile } from '../../../infra/files/module-file.ts';
import { PROXY_PORT } from '../network/addresses.ts';
import { bridgePortCommands } from '../network/bridge-port.ts';
import { ipBatch, run } from '../network/commands.ts';
import type { LabNetwork } from '../network/lab-network.ts';
import { createNetns, deleteNetns } from '../network/netns.ts';

const PROXY_PROCESS = moduleFile('./proxy-process.ts', import.meta.url);

export interface LabProxy {
  /** `http://<address>:3128`: for HTTP_PROXY in ecs.config, user data and task environments. */
  url: string;
  address: string;
  port: number;
  /** One line per proxied request: time, client address, method, URL. */
  accessLog: string;
  stop(): Promise<void>;
}

/**
 * Starts the lab's HTTP proxy in its own namespace on the lab bridge. Its namespace has only the lab
 * subnet (no link-local route), so requests through it to 169.254.169.254 or 169.254.170.2 fail at the
 * proxy (HTTP 500 from npm `proxy`) while the control plane is reachable.
 */
export async function startLabProxy(lab: LabNetwork): Promise<LabProxy> {
  const { proxyNetns: netns, proxyLink } = lab.names;
  const address = lab.subnet.proxy;
  const accessLog = join(lab.dir, 'proxy-access.log');
  await createNetns(netns);
  const remove = async () => {
    await deleteNetns(netns);
    await run('ip', ['link', 'delete', proxyLink], { allowFailure: true });
  };
  try {
    await attachToBridge(lab, address);
  } catch (error) {
    await remove();
    throw error;
  }
  const subprocess = spawnProxy(netns);
  try {
    await proxyReady(subprocess, accessLog);
  } catch (error) {
    await remove();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const proxy: LabProxy = {
    url: `http://${address}:${PROXY_PORT}`,
    address,
    port: PROXY_PORT,
    accessLog,
    stop: () => {
      stopped ??= (async () => {
        untrack();
        subprocess.kill('SIGTERM');
        await subprocess;
        await remove();
      })();
      return stopped;
    },
  };
  const untrack = lab.track({ shutdown: () => proxy.stop() });
  return proxy;
}

/** A veth from the lab bridge into the proxy's namespace, with the proxy's address on its end. */
async function attachToBridge(lab: LabNetwork, address: string): Promise<void> {
  const { proxyNetns: netns, proxyLink, bridge } = lab.names;
  await ipBatch(
    bridgePortCommands({ netns, rootLink: proxyLink, bridge, address, prefixLength: lab.subnet.prefixLength }),
  );
}

function spawnProxy(netns: string) {
  return execa('ip', ['netns', 'exec', netns, process.execPath, PROXY_PROCESS, String(PROXY_PORT)], {
    buffer: false,
    reject: false,
    stdin: 'ignore',
  });
}

/**
 * Resolves once the proxy prints `ready`, rejects if it exits first (with its stderr); everything else it
 * prints on stdout is its access log, appended to `accessLog`.
 */
function proxyReady(subprocess: ReturnType<typeof spawnProxy>, accessLog: string): Promise<void> {
  let stderr = '';
  subprocess.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<void>((resolve, reject) => {
    let ready = false;
    subprocess.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready && text.includes('ready\n')) {
        ready = true;
        resolve();
      }
      const lines = text.replace('ready\n', '');
      if (lines.length > 0) appendFileSync(accessLog, lines);
    });
    subprocess.then((result) => {
      if (!ready) reject(new InfrastructureError(`lab proxy exited ${result.exitCode}: ${stderr.trim()}`));
    });
  });
}
