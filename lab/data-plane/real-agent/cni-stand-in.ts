/**
 * What the lab's CNI plugins (fixtures/lab-cni-plugin/main.go, in the real agent's container) hand to the
 * data plane: one CNI call (ADD or DEL) of one plugin for one task's pause container, answered with a CNI
 * result (CNI SPEC 0.3.0, the version the agent asks for: agent/config DefaultMinSupportedCNIVersion) or a
 * CNI error. The work is the one the upstream plugins do on EC2, on the lab's devices:
 * - vpc-eni (aws/amazon-vpc-cni-plugins, plugins/vpc-eni): finds the ENI the instance got for the task and
 *   moves it into the task's namespace as eth0 with its address, the subnet gateway's routes, and with
 *   `blockInstanceMetadata` a blackhole route to IMDS. In the lab EC2's attach happens here (the instance's
 *   attacher: a veth on the lab's subnet), the device gets the ENI's MAC from the call, and the address is the
 *   lab subnet's, not the one in the call (docs/lab-differences.md). DEL detaches it.
 * - ecs-bridge with ecs-ipam (aws/amazon-ecs-cni-plugins, plugins/ecs-bridge, plugins/ipam): the instance's
 *   ecs-bridge (169.254.172.1/22), a veth to the task's ecs-eth0 with an address from 169.254.172.0/22 (or
 *   the one the agent names) and the routes the call lists (169.254.170.2/32, the agent endpoint). DEL
 *   removes the veth and releases the address; ecs-ipam's DEL (the agent's ReleaseIPResource) releases it.
 * Not supported: aws-appmesh's ADD and DEL (App Mesh), any other plugin.
 */
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import {
  connectEcsBridge,
  ECS_BRIDGE,
  ECS_BRIDGE_GATEWAY,
  ECS_SUBNET_PREFIX_LENGTH,
  EcsBridge,
  moveEniIntoTask,
} from '../agent/tasks/awsvpc-network.ts';
import type { HostView, TaskEni } from '../contracts.ts';
import { run } from '../network/commands.ts';

export const cniCallSchema = z.object({
  plugin: z.string(),
  command: z.string(),
  containerId: z.string().min(1),
  netns: z.string(),
  ifName: z.string(),
  config: z.string(),
});
export type CniCall = z.infer<typeof cniCallSchema>;

/** A task's ecs-eth0 address and the veth's host end; `allocated`: from the stand-in's ipam (released on DEL). */
interface BridgeLease {
  address: string;
  hostEnd: string;
  allocated: boolean;
}

export interface CniAnswer {
  exitCode: number;
  stdout: string;
}

const vpcEniConfigSchema = z.object({
  cniVersion: z.string().default('0.3.0'),
  eniMACAddress: z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i),
  blockInstanceMetadata: z.boolean().default(false),
});

/** An IPv4 address with an optional prefix: these values become `ip` commands, so nothing else may pass. */
const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = `${IPV4_OCTET}(\\.${IPV4_OCTET}){3}`;
const ipv4WithPrefix = z.string().regex(new RegExp(`^${IPV4}(/(3[0-2]|[12]?[0-9]))?$`));

const bridgeConfigSchema = z.object({
  cniVersion: z.string().default('0.3.0'),
  bridge: z.string(),
  ipam: z
    .object({
      'ipv4-address': ipv4WithPrefix.optional(),
      'ipv4-routes': z
        .array(z.object({ dst: ipv4WithPrefix }))
        .max(16)
        .optional(),
    })
    .default({}),
});

/** CNI's error codes used here (CNI SPEC, "Error"): 4 invalid environment, 7 invalid configuration, 999 other. */
export class CniFailure extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** The host side the stand-in works on: the instance's namespace and its EC2 ENI attacher. */
export type CniHost = Pick<HostView, 'netns' | 'attachTaskEni' | 'detachTaskEni'>;

export interface CniStandIn {
  handle(call: CniCall): Promise<CniAnswer>;
  /** The agent is gone (its instance stops): EC2 takes back every ENI a DEL did not detach. */
  detachAll(): Promise<void>;
}

export function createCniStandIn(host: CniHost): CniStandIn {
  const enis = new Map<string, TaskEni>();
  const bridge = new EcsBridge(host.netns);
  const bridgeAddresses = new Map<string, BridgeLease>();
  const releaseAddress = (containerId: string) => {
    const entry = bridgeAddresses.get(containerId);
    bridgeAddresses.delete(containerId);
    if (entry?.allocated) bridge.release(entry.address);
    return entry;
  };
  const handlers: Record<string, Partial<Record<string, (call: CniCall) => Promise<string>>>> = {
    'vpc-eni': {
      ADD: (call) => addEni(call, host, enis),
      DEL: async (call) => {
        const eni = enis.get(call.containerId);
        enis.delete(call.containerId);
        if (eni) await host.detachTaskEni?.(eni.id);
        return '';
      },
    },
    'ecs-bridge': {
      ADD: (call) => addBridge(call, host.netns, bridge, bridgeAddresses),
      DEL: async (call) => {
        const entry = releaseAddress(call.containerId);
        if (entry) await run('ip', ['-n', host.netns, 'link', 'delete', entry.hostEnd], { allowFailure: true });
        return '';
      },
    },
    'ecs-ipam': {
      DEL: async (call) => {
        releaseAddress(call.containerId);
        return '';
      },
    },
  };
  return {
    async handle(call) {
      const handler = handlers[call.plugin]?.[call.command];
      try {
        if (!handler)
          throw new CniFailure(4, `lab: ${call.plugin} ${call.command} is not part of the lab's CNI stand-in`);
        return { exitCode: 0, stdout: await handler(call) };
      } catch (error) {
        const code = error instanceof CniFailure ? error.code : 999;
        const msg = error instanceof Error ? error.message : String(error);
        return { exitCode: 1, stdout: JSON.stringify({ cniVersion: '0.3.0', code, msg }) };
      }
    },
    async detachAll() {
      for (const [containerId, eni] of [...enis]) {
        enis.delete(containerId);
        await host.detachTaskEni?.(eni.id);
      }
    },
  };
}

/** The task's PID from the agent's CNI_NETNS (agent/ecscni/types_linux.go NetnsFormat `/host/proc/%s/ns/net`). */
export function taskPid(netns: string): number {
  const match = /^\/host\/proc\/([1-9][0-9]{0,9})\/ns\/net$/.exec(netns);
  if (!match) throw new CniFailure(4, `lab: CNI_NETNS ${JSON.stringify(netns)} is not /host/proc/<pid>/ns/net`);
  return Number(match[1]);
}

/**
 * The pid named by CNI_NETNS, once its network namespace is neither the machine's nor the instance's: the
 * engine has no pid namespace of its own, so a pid in the call could name any process of the machine, and
 * the ENI, its addresses and routes would land in that process's network.
 */
async function taskNamespacePid(netns: string, hostNetns: string): Promise<number> {
  const pid = taskPid(netns);
  const inode = async (path: string) => (await stat(path).catch(() => undefined))?.ino;
  const task = await inode(`/proc/${pid}/ns/net`);
  // The data plane's own namespace is the machine's (its pid 1's may not be readable in a container).
  const forbidden = [await inode('/proc/self/ns/net'), await inode(`/run/netns/${hostNetns}`)];
  if (task === undefined || forbidden.includes(task)) {
    throw new CniFailure(4, `lab: CNI_NETNS ${JSON.stringify(netns)} is not a task's own network namespace`);
  }
  return pid;
}

function parseConfig<T extends z.ZodTypeAny>(schema: T, call: CniCall): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(call.config);
  } catch {
    throw new CniFailure(7, `lab: ${call.plugin}: the network configuration is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new CniFailure(7, `lab: ${call.plugin}: network configuration: ${parsed.error.message}`);
  return parsed.data;
}

async function addEni(call: CniCall, host: CniHost, enis: Map<string, TaskEni>): Promise<string> {
  const config = parseConfig(vpcEniConfigSchema, call);
  const pid = await taskNamespacePid(call.netns, host.netns);
  if (!host.attachTaskEni) throw new CniFailure(999, 'lab: this instance cannot attach ENIs');
  const eni = await host.attachTaskEni();
  enis.set(call.containerId, eni);
  try {
    await moveEniIntoTask(pid, eni, {
      hostNetns: host.netns,
      blockImds: config.blockInstanceMetadata,
      mac: config.eniMACAddress,
    });
  } catch (error) {
    enis.delete(call.containerId);
    await host.detachTaskEni?.(eni.id);
    throw error;
  }
  return JSON.stringify({
    cniVersion: config.cniVersion,
    interfaces: [{ name: call.ifName, mac: config.eniMACAddress.toLowerCase(), sandbox: call.netns }],
    ips: [{ version: '4', address: `${eni.address}/${eni.prefixLength}`, gateway: eni.vpcRouter, interface: 0 }],
    dns: {},
  });
}

async function addBridge(
  call: CniCall,
  hostNetns: string,
  bridge: EcsBridge,
  addresses: Map<string, BridgeLease>,
): Promise<string> {
  const config = parseConfig(bridgeConfigSchema, call);
  if (config.bridge !== ECS_BRIDGE) throw new CniFailure(7, `lab: ecs-bridge: only the bridge ${ECS_BRIDGE} is served`);
  const pid = await taskNamespacePid(call.netns, hostNetns);
  const named = config.ipam['ipv4-address']?.split('/')[0];
  const address = named ?? bridge.allocate();
  const destinations = (config.ipam['ipv4-routes'] ?? []).map((route) => route.dst);
  let hostEnd: string;
  try {
    hostEnd = await connectEcsBridge(pid, bridge, address, destinations);
  } catch (error) {
    if (!named) bridge.release(address);
    throw error;
  }
  addresses.set(call.containerId, { address, hostEnd, allocated: !named });
  return JSON.stringify({
    cniVersion: config.cniVersion,
    interfaces: [{ name: ECS_BRIDGE }, { name: hostEnd }, { name: call.ifName, sandbox: call.netns }],
    ips: [
      { version: '4', address: `${address}/${ECS_SUBNET_PREFIX_LENGTH}`, gateway: ECS_BRIDGE_GATEWAY, interface: 2 },
    ],
    routes: destinations.map((dst) => ({ dst, gw: ECS_BRIDGE_GATEWAY })),
    dns: {},
  });
}
