/**
 * The data plane as a background process of the lab (`lab up` starts it, `lab down` stops it): boots a
 * simulated host for every instance the harness launches on the control plane until SIGTERM/SIGINT.
 *
 *     node daemon.ts <lab state dir>
 *
 * Tells its parent over IPC when it is ready (`{ ready, prefix, endpointForInstances }`) or why it failed.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startDataPlane } from './index.ts';
import { startLabProxy } from './proxy/lab-proxy.ts';

export type DaemonMessage =
  | { ready: true; prefix: string; endpointForInstances: string; proxyUrl: string }
  | { ready: false; error: string };

const labStateDir = process.argv[2];
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const tell = (message: DaemonMessage) => process.send?.(message);

// This process serves IMDS and relays every instance's AWS traffic: a stalled event loop shows up in tasks
// as IMDS or API timeouts, so stalls are logged (checked every 10 s).
const STALL_MS = 500;
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
setInterval(() => {
  const maxMs = loopDelay.max / 1e6;
  if (maxMs > STALL_MS) log(`data plane: event loop stalled up to ${maxMs.toFixed(0)} ms in the last 10 s`);
  loopDelay.reset();
}, 10_000).unref();

try {
  const dataPlane = await startDataPlane({ controlPlane: { labStateDir }, log });
  // The lab's HTTP proxy, for agentProxy and taskProxy cells: reaches the control plane, not link-local.
  const proxy = await startLabProxy(dataPlane.lab).catch(async (error: unknown) => {
    await dataPlane.stop();
    throw error;
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`data plane: ${signal}, shutting down`);
    await proxy.stop();
    await dataPlane.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  tell({
    ready: true,
    prefix: dataPlane.lab.prefix,
    endpointForInstances: dataPlane.endpointForInstances,
    proxyUrl: proxy.url,
  });
  process.disconnect?.();
} catch (error) {
  tell({ ready: false, error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
