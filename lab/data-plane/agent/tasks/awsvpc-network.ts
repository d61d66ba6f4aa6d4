/**
 * awsvpc wiring, as the agent's CNI plugins do it for a task (aws/amazon-ecs-agent agent/ecscni,
 * aws/amazon-vpc-cni-plugins vpc-eni, aws/amazon-ecs-cni-plugins ecs-bridge and ipam):
 * - the ENI the host attached moves into the task's namespace as eth0 with its subnet address; the lab's
 *   subnet has no default route, so link-local traffic (IMDS) goes to the VPC router, as EC2's subnet
 *   delivers it. With ECS_AWSVPC_BLOCK_IMDS the plugin adds a blackhole route to 169.254.169.254/32.
 * - ecs-bridge: a bridge on the instance holding the ipam gateway 169.254.172.1/22, a veth to the task's
 *   ecs-eth0 with an ipam address and one route, 169.254.170.2/32 via the gateway. On the instance the
 *   credentials endpoint's DNAT (no input interface) takes it to the agent's 127.0.0.1:51679.
 * Runs in the instance namespace (where the agent runs); the task end lives in the namespace held by
 * the task's PID, so the task's devices disappear with it (and a veth pair with either end).
 */
import { execa } from 'execa';
import type { TaskEni } from '../../contracts.ts';
import { AddressPool, CREDENTIALS_ENDPOINT_ADDRESS, IMDS_ADDRESS, LINK_LOCAL_CIDR } from '../../network/addresses.ts';
import { ipInTask, vethToBridge } from './bridge-network.ts';

export const ECS_BRIDGE = 'ecs-bridge';
export const ECS_BRIDGE_GATEWAY = '169.254.172.1';
export const ECS_SUBNET_PREFIX_LENGTH = 22;
const TASK_VETH = 'ecs-eth0';

/** `ip` in the instance's namespace: the caller's own (the agent runs there), or a named one (specs). */
function ip(hostNetns: string | undefined, args: string[], options: { reject?: boolean } = {}) {
  return execa('ip', hostNetns ? ['-n', hostNetns, ...args] : args, options);
}

/**
 * The instance's ecs-bridge and its ipam (gateway .1 of 169.254.172.0/22; addresses from its first /24,
 * far more than the ENIs an instance takes), created on first use.
 */
export class EcsBridge {
  readonly #addresses = new AddressPool('169.254.172', 2, 254);
  readonly #hostNetns: string | undefined;
  #created: Promise<void> | undefined;

  constructor(hostNetns?: string) {
    this.#hostNetns = hostNetns;
  }

  get hostNetns(): string | undefined {
    return this.#hostNetns;
  }

  allocate(): string {
    return this.#addresses.allocate();
  }

  release(address: string): void {
    this.#addresses.release(address);
  }

  /** ecs-bridge plugin's CreateBridge and ConfigureBridge: idempotent, once per agent. */
  ensure(): Promise<void> {
    this.#created ??= (async () => {
      const netns = this.#hostNetns;
      const exists = await ip(netns, ['link', 'show', ECS_BRIDGE], { reject: false });
      if (exists.exitCode !== 0) await ip(netns, ['link', 'add', ECS_BRIDGE, 'type', 'bridge']);
      await ip(netns, ['addr', 'replace', `${ECS_BRIDGE_GATEWAY}/${ECS_SUBNET_PREFIX_LENGTH}`, 'dev', ECS_BRIDGE]);
      await ip(netns, ['link', 'set', ECS_BRIDGE, 'up']);
    })();
    this.#created.catch(() => {
      this.#created = undefined;
    });
    return this.#created;
  }
}

export interface AwsvpcAttachment {
  eni: TaskEni;
  blockImds: boolean;
  bridge: EcsBridge;
  /** The task's ecs-eth0 address (from the bridge's ipam). */
  bridgeAddress: string;
}

export async function attachAwsvpc(pid: number, attachment: AwsvpcAttachment): Promise<void> {
  const netns = attachment.bridge.hostNetns;
  await moveEniIntoTask(pid, attachment.eni, {
    blockImds: attachment.blockImds,
    ...(netns ? { hostNetns: netns } : {}),
  });
  await connectEcsBridge(pid, attachment.bridge, attachment.bridgeAddress);
}

/**
 * vpc-eni's ADD: the ENI's device into the task's namespace as eth0 with its subnet address and the route to
 * link-local addresses; `mac`, when given, is set first (the lab's veth gets the ENI's MAC, as EC2's device has).
 */
export async function moveEniIntoTask(
  pid: number,
  eni: TaskEni,
  options: { hostNetns?: string; blockImds: boolean; mac?: string },
): Promise<void> {
  if (options.mac) await ip(options.hostNetns, ['link', 'set', 'dev', eni.device, 'address', options.mac]);
  await ip(options.hostNetns, ['link', 'set', eni.device, 'netns', String(pid)]);
  await ipInTask(pid, [
    'link set lo up',
    `link set ${eni.device} name eth0`,
    `addr add ${eni.address}/${eni.prefixLength} dev eth0`,
    'link set eth0 up',
    `route add ${LINK_LOCAL_CIDR} via ${eni.vpcRouter} dev eth0`,
    ...(options.blockImds ? [`route add blackhole ${IMDS_ADDRESS}/32`] : []),
  ]);
}

/**
 * ecs-bridge's ADD (with ecs-ipam's address): the task's ecs-eth0 on the instance's ecs-bridge, with routes
 * to `destinations` (the credentials endpoint; the agent adds its ECS_AWSVPC_ADDITIONAL_LOCAL_ROUTES) via
 * the bridge's gateway. Returns the veth's host end.
 */
export async function connectEcsBridge(
  pid: number,
  bridge: EcsBridge,
  address: string,
  destinations: readonly string[] = [`${CREDENTIALS_ENDPOINT_ADDRESS}/32`],
): Promise<string> {
  await bridge.ensure();
  const netns = bridge.hostNetns;
  return vethToBridge(pid, {
    ...(netns ? { hostNetns: netns } : {}),
    bridge: ECS_BRIDGE,
    device: TASK_VETH,
    address,
    prefixLength: ECS_SUBNET_PREFIX_LENGTH,
    routes: destinations.map((destination) => `${destination} via ${ECS_BRIDGE_GATEWAY} dev ${TASK_VETH}`),
  });
}
