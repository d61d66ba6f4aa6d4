import { readFileSync } from 'node:fs';
/**
 * The data plane as a background process of the lab (`lab up` starts it, `lab down` stops it): boots a
 * simulated host for every instance the harness launches on the control plane until SIGTERM/SIGINT.
 *
 *     node daemon.ts CONSOLE_DIR [model|real] [LOG_FILE]   (forked with an IPC channel)
 *
 * It makes its network, proxy, image roots and agents' program at once; its parent sends the lab's
 * control plane (`{ controlPlane }`) once that is up. The daemon tells it over IPC when it is ready
 * (`{ ready, prefix, endpointForInstances, proxyUrl }`) or why it failed. CONSOLE_DIR is where it keeps
 * the instances' consoles, for the control plane's GetConsoleOutput; LOG_FILE, where its output goes (named
 * in failures that send the reader to it).
 */

import { labAgentSchema } from '../../core/run-config.ts';
import { isMotoProcess } from '../control-plane/moto-process.ts';
import { removeLabFiles } from '../system/lab-files.ts';
import { type LabHolders, readHolders, watchHolders } from '../system/lab-holders.ts';
import { startDataPlaneWithProxy } from './data-plane-with-proxy.ts';
import { type LabAgentChoice, type LabControlPlane, labControlPlane } from './index.ts';
import { DEFAULT_AGENT_VERSION } from './real-agent/agent-versions.ts';

export interface DaemonStart {
  controlPlane: LabControlPlane;
  /** The lab's moto: the data plane ends with it (its hosts could reach no control plane). */
  motoPid?: number;
}

export type DaemonMessage =
  | { ready: true; prefix: string; endpointForInstances: string; proxyUrl: string }
  | { ready: false; error: string };

/** `real`: the real ECS agent (DEFAULT_AGENT_VERSION, built or taken from the cache) in a Docker engine per instance. */
function agentChoice(argument: string | undefined): LabAgentChoice {
  const agent = labAgentSchema.parse(argument ?? 'model');
  return agent === 'real' ? { kind: 'real', version: DEFAULT_AGENT_VERSION } : { kind: 'model' };
}

function removeOrphanedLab(holders: LabHolders): void {
  let recorded = '';
  try {
    recorded = readFileSync(holders.pidFile, 'utf8').trim();
  } catch {}
  if (recorded === String(process.pid)) removeLabFiles(holders.labDir);
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const tell = (message: DaemonMessage) => {
  if (process.connected) process.send?.(message);
};

try {
  const start = new Promise<DaemonStart>((resolve, reject) => {
    process.once('message', (message) => resolve(message as DaemonStart));
    // `lab up` gone before its control plane was: remove the network made meanwhile and exit.
    process.once('disconnect', () => reject(new Error('lab up went away before its control plane started')));
  });
  const [consoleDir, agent, logFile] = process.argv.slice(2);
  const running = await startDataPlaneWithProxy({
    controlPlane: start.then((message) => labControlPlane(message.controlPlane)),
    labAgent: agentChoice(agent),
    log,
    ...(consoleDir ? { consoleDir } : {}),
    ...(logFile ? { logFile } : {}),
  });
  const { dataPlane, proxy } = running;
  let stopping = false;
  const stop = async (signal: string, afterwards?: () => void) => {
    if (stopping) return;
    stopping = true;
    log(`data plane: ${signal}, shutting down`);
    await running.stop();
    afterwards?.();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Detached, it outlives whoever started it: it ends once nothing holds the lab (a killed run or spec) or
  // its moto is gone, shutting its hosts down and removing its network as `lab down` would.
  const holders = readHolders();
  const { motoPid } = await start;
  if (holders) {
    watchHolders(
      holders,
      // Nobody is left to run `lab down`: the lab's files go too, while its pid file still names this
      // daemon (a new lab in the folder replaces it first).
      (reason) => void stop(`nothing holds the lab (${reason})`, () => removeOrphanedLab(holders)),
      () => (motoPid === undefined || isMotoProcess(motoPid) ? undefined : `its moto (pid ${motoPid}) is gone`),
    );
  }
  log(`data plane: ready (network ${dataPlane.lab.prefix}, proxy ${proxy.url})`);
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
