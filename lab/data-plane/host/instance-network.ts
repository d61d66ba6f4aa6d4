import { LINK_LOCAL_CIDR } from '../network/addresses.ts';
import { type BridgePort, bridgePortCommands } from '../network/bridge-port.ts';
import { ipBatch } from '../network/commands.ts';
import { createNetns } from '../network/netns.ts';

/**
 * The instance's network namespace: eth0 on the lab bridge (the control plane, the proxy and other
 * instances are on-link) and link-local traffic routed to the VPC namespace, like an EC2 instance whose
 * 169.254.x.x traffic goes to the VPC. No default route: nothing leaves the lab.
 */
export async function createInstanceNetwork(options: BridgePort & { vpcRouter: string }): Promise<void> {
  const { netns } = options;
  await createNetns(netns);
  await ipBatch([
    ...bridgePortCommands(options),
    `-n ${netns} route add ${LINK_LOCAL_CIDR} via ${options.vpcRouter} dev eth0`,
  ]);
}
