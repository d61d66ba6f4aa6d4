/**
 * The data plane as a run uses it, whoever hosts it (the lab's daemon, or `run` on LocalStack): the hosts,
 * the lab's HTTP proxy for agentProxy and taskProxy cells (it reaches the control plane, not link-local
 * addresses), and a log line whenever this process stalls, since it serves IMDS and relays every
 * instance's AWS traffic (a stall shows up in tasks as IMDS or API timeouts).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type DataPlane, type DataPlaneOptions, startDataPlane } from './index.ts';
import { type LabProxy, startLabProxy } from './proxy/lab-proxy.ts';

const STALL_MS = 500;
const STALL_CHECK_MS = 10_000;

export interface DataPlaneWithProxy {
  dataPlane: DataPlane;
  proxy: LabProxy;
  stop(): Promise<void>;
}

export async function startDataPlaneWithProxy(options: DataPlaneOptions): Promise<DataPlaneWithProxy> {
  // The proxy needs only the lab network: it starts while the rest does (the network's close stops it).
  let proxyStarting: Promise<LabProxy> | undefined;
  const dataPlane = await startDataPlane({
    ...options,
    onNetwork: (lab) => {
      proxyStarting = startLabProxy(lab);
      proxyStarting.catch(() => undefined);
    },
  }).catch(async (error: unknown) => {
    // A proxy still starting when the network went: it is stopped once it is up.
    await proxyStarting?.then((proxy) => proxy.stop()).catch(() => undefined);
    throw error;
  });
  const proxy = await (proxyStarting ?? Promise.reject(new Error('no lab network'))).catch(async (error: unknown) => {
    await dataPlane.stop();
    throw error;
  });
  const log = options.log ?? (() => {});
  const stopWatching = watchStalls(log);
  return {
    dataPlane,
    proxy,
    async stop() {
      stopWatching();
      // Timed in the log: `lab down` gives the daemon 15 s before it kills it.
      const started = performance.now();
      await proxy.stop();
      const proxyMs = Math.round(performance.now() - started);
      await dataPlane.stop();
      log(`data plane: stopped in ${Math.round(performance.now() - started)} ms (the proxy ${proxyMs} ms)`);
    },
  };
}

function watchStalls(log: (line: string) => void): () => void {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  const timer = setInterval(() => {
    const maxMs = delay.max / 1e6;
    if (maxMs > STALL_MS) log(`data plane: event loop stalled up to ${maxMs.toFixed(0)} ms in the last 10 s`);
    delay.reset();
  }, STALL_CHECK_MS).unref();
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}
