import { randomBytes } from 'node:crypto';
import type { HostView } from '../contracts.ts';
import { BENCHMARK_CIDR, LINK_LOCAL_CIDR } from '../network/addresses.ts';
import { type CommandResult, ipBatch, type RunOptions, runInNetns } from '../network/commands.ts';
import { createNetns, deleteNetns } from '../network/netns.ts';

/** A network namespace plugged into an instance's docker0, as Docker's bridge driver plugs a container. */
export interface BridgeTaskNamespace {
  netns: string;
  address: string;
  exec(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Deletes the namespace (killing what runs in it) and releases the address. Idempotent. */
  remove(): Promise<void>;
}

/**
 * Creates a bridge-mode task namespace on an instance: a veth from the instance's docker0 to eth0 in the
 * new namespace, an address from the task bridge, and routes to the lab (198.18.0.0/15) and link-local
 * range via the bridge gateway (Docker would add a default route; the lab has none, so nothing leaves
 * the machine). Its name starts with the instance's namespace name, so cleanupLab finds it.
 */
export async function createBridgeTaskNamespace(host: HostView): Promise<BridgeTaskNamespace> {
  const suffix = randomBytes(3).toString('hex');
  const netns = `${host.netns}-t${suffix}`;
  const hostSide = `veth${suffix}`;
  const address = host.allocateTaskAddress();
  await createNetns(netns);
  try {
    await ipBatch([
      `-n ${host.netns} link add ${hostSide} type veth peer name eth0 netns ${netns}`,
      `-n ${host.netns} link set ${hostSide} master ${host.taskBridge.name} up`,
      `-n ${netns} addr add ${address}/${host.taskBridge.prefixLength} dev eth0`,
      `-n ${netns} link set eth0 up`,
      `-n ${netns} route add ${BENCHMARK_CIDR} via ${host.taskBridge.gateway} dev eth0`,
      `-n ${netns} route add ${LINK_LOCAL_CIDR} via ${host.taskBridge.gateway} dev eth0`,
    ]);
  } catch (error) {
    await deleteNetns(netns);
    host.releaseTaskAddress(address);
    throw error;
  }
  let removed: Promise<void> | undefined;
  return {
    netns,
    address,
    exec: (file, args, options) => runInNetns(netns, file, args, { allowFailure: true, ...options }),
    remove: () => {
      removed ??= deleteNetns(netns).then(() => host.releaseTaskAddress(address));
      return removed;
    },
  };
}
