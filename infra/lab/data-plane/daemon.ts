/**
 * The data plane as a background process of the lab (`lab up` starts it, `lab down` stops it): boots a
 * simulated host for every instance the harness launches on the control plane until SIGTERM/SIGINT.
 *
 *     node daemon.ts   (forked with an IPC channel)
 *
 * Its parent sends the lab's control plane first (`{ controlPlane, consoleDir }`); the daemon tells it over IPC when it
 * is ready (`{ ready, prefix, endpointForInstances }`) or why it failed.
 */
import { startDataPlaneWithProxy } from './data-plane-with-proxy.ts';
import { type LabControlPlane, labControlPlane } from './index.ts';

export interface DaemonStart {
  controlPlane: LabControlPlane;
  /** The instances' consoles, where the control plane's GetConsoleOutput reads them. */
  consoleDir?: string;
}

export type DaemonMessage =
  | { ready: true; prefix: string; endpointForInstances: string; proxyUrl: string }
  | { ready: false; error: string };

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const tell = (message: DaemonMessage) => process.send?.(message);

try {
  const start = await new Promise<DaemonStart>((resolve) => process.once('message', (m) => resolve(m as DaemonStart)));
  const running = await startDataPlaneWithProxy({
    controlPlane: labControlPlane(start.controlPlane),
    log,
    ...(start.consoleDir ? { consoleDir: start.consoleDir } : {}),
  });
  const { dataPlane, proxy } = running;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`data plane: ${signal}, shutting down`);
    await running.stop();
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
