import { InfrastructureError } from '../../../core/errors.ts';
import { processStartTicks } from '../../../infra/system/process-alive.ts';
import { type AddressPool, bridgeMac, instanceAddressPool, type LabSubnet, labSubnet } from './addresses.ts';
import { cleanupLab } from './cleanup.ts';
import { ipBatch, run } from './commands.ts';
import { claimSubnet, labDir, releaseSubnets, writeLabRecord } from './lab-record.ts';
import { type LabNames, labNames, newLabPrefix } from './naming.ts';
import { assertLabHostReady } from './preflight.ts';
import { hopLimitsIn } from './vpc/hop-limit.ts';
import { ImdsService } from './vpc/imds-service.ts';
import { createVpcNamespace, type VpcNamespace } from './vpc/vpc-namespace.ts';

export interface LabNetworkOptions {
  /** Defaults to a fresh random `etrXXXX`. */
  prefix?: string;
  /** Which 198.18.<index>.0/24 to use (0–254); defaults to a random free one in 1–254. */
  subnetIndex?: number;
}

/** Something the lab shuts down before it removes its network (booted instances, the proxy). */
export interface LabMember {
  shutdown(): Promise<void>;
}

export interface LabNetwork {
  prefix: string;
  names: LabNames;
  /** Lab folder: record, instance roots, logs. */
  dir: string;
  subnet: LabSubnet;
  /** Address on the lab bridge (root namespace) where the control plane must listen to be reachable. */
  controlPlaneAddress: string;
  imds: ImdsService;
  /** Next free instance address and its veth number. */
  allocateInstanceSlot(): { address: string; linkIndex: number };
  releaseInstanceSlot(slot: { address: string; linkIndex: number }): void;
  track(member: LabMember): () => void;
  /** Shuts down members, closes IMDS and removes everything the lab created. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates a lab's network in the root namespace: the lab bridge (address `controlPlaneAddress`, no NAT, no
 * forwarding out of the machine) and the VPC namespace with IMDS. Instances and the proxy attach to the bridge.
 */
export async function createLabNetwork(options: LabNetworkOptions = {}): Promise<LabNetwork> {
  await assertLabHostReady();
  const prefix = options.prefix ?? newLabPrefix();
  const names = labNames(prefix);
  const dir = labDir(prefix);
  const subnetIndex = await chooseSubnet(prefix, options.subnetIndex);
  const subnet = labSubnet(subnetIndex);
  await recordLabOwner(prefix, subnetIndex, dir);
  const imds = new ImdsService({ hopLimits: hopLimitsIn(names.vpcNetns) });
  const vpc = await createBridgeAndVpc(prefix, names, subnet, imds);
  return labNetworkHandle({ prefix, names, dir, subnet, imds, vpc });
}

async function recordLabOwner(prefix: string, subnetIndex: number, dir: string): Promise<void> {
  const ownerStartTicks = processStartTicks(process.pid) ?? 0;
  await writeLabRecord({
    prefix,
    ownerPid: process.pid,
    ownerStartTicks,
    createdAt: new Date().toISOString(),
    subnetIndex,
    dir,
  });
}

/** The lab bridge and the VPC namespace with IMDS; on failure, whatever was made is removed. */
async function createBridgeAndVpc(
  prefix: string,
  names: LabNetwork['names'],
  subnet: LabNetwork['subnet'],
  imds: ImdsService,
): Promise<VpcNamespace> {
  let vpc: VpcNamespace | undefined;
  try {
    // nf_call_iptables 0: frames between lab namespaces do not pass the root namespace's iptables, so the
    // machine's own firewall (e.g. a FORWARD policy DROP) cannot change the lab's outcomes. A MAC of its
    // own: instances come and go (reboots) while the others keep the bridge's address in their ARP cache.
    await ipBatch([
      `link add ${names.bridge} address ${bridgeMac()} type bridge nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0`,
      `addr add ${subnet.gateway}/${subnet.prefixLength} dev ${names.bridge}`,
      `link set ${names.bridge} up`,
    ]);
    await run('sysctl', ['-qw', `net.ipv6.conf.${names.bridge}.disable_ipv6=1`], { allowFailure: true });
    vpc = await createVpcNamespace({
      netns: names.vpcNetns,
      rootLink: names.vpcLink,
      bridge: names.bridge,
      routerAddress: subnet.vpcRouter,
      prefixLength: subnet.prefixLength,
      imds,
    });
    return vpc;
  } catch (error) {
    await vpc?.close();
    await cleanupLab(prefix);
    throw error;
  }
}

/** The created lab: instance slots (address and veth number), its members, and its idempotent close. */
function labNetworkHandle(lab: {
  prefix: string;
  names: LabNetwork['names'];
  dir: string;
  subnet: LabNetwork['subnet'];
  imds: ImdsService;
  vpc: VpcNamespace;
}): LabNetwork {
  const { prefix, subnet, vpc } = lab;
  const pool: AddressPool = instanceAddressPool(subnet);
  const usedLinks = new Set<number>();
  const members = new Set<LabMember>();
  let closing: Promise<void> | undefined;

  return {
    prefix,
    names: lab.names,
    dir: lab.dir,
    subnet,
    controlPlaneAddress: subnet.gateway,
    imds: lab.imds,
    allocateInstanceSlot() {
      const address = pool.allocate();
      let linkIndex = 1;
      while (usedLinks.has(linkIndex)) linkIndex += 1;
      usedLinks.add(linkIndex);
      return { address, linkIndex };
    },
    releaseInstanceSlot(slot) {
      pool.release(slot.address);
      usedLinks.delete(slot.linkIndex);
    },
    track(member) {
      members.add(member);
      return () => members.delete(member);
    },
    close() {
      closing ??= (async () => {
        const failures: unknown[] = [];
        for (const member of [...members]) await member.shutdown().catch((error: unknown) => failures.push(error));
        await vpc.close();
        await cleanupLab(prefix);
        if (failures.length > 0) {
          throw new InfrastructureError(`lab ${prefix}: ${failures.length} member(s) failed to shut down`, {
            cause: failures[0],
          });
        }
      })();
      return closing;
    },
  };
}

async function chooseSubnet(prefix: string, wanted: number | undefined): Promise<number> {
  const inUse = await rootSubnetsInUse();
  if (wanted !== undefined) {
    labSubnet(wanted);
    if (inUse.has(wanted) || !(await claimSubnet(wanted, prefix))) {
      throw new InfrastructureError(`lab: 198.18.${wanted}.0/24 is already in use on this machine`);
    }
    return wanted;
  }
  for (let attempt = 0; attempt < 64; attempt += 1) {
    const index = 1 + Math.floor(Math.random() * 254);
    if (!inUse.has(index) && (await claimSubnet(index, prefix))) return index;
  }
  await releaseSubnets(prefix);
  throw new InfrastructureError('lab: no free 198.18.x.0/24 subnet; run `lab down` to remove stale labs');
}

/** Third octets of 198.18.x.0/24 networks the root namespace already routes (other labs, other tools). */
async function rootSubnetsInUse(): Promise<Set<number>> {
  const { stdout } = await run('ip', ['-4', 'route', 'show', 'table', 'all'], { allowFailure: true });
  const used = new Set<number>();
  for (const match of stdout.matchAll(/198\.18\.(\d+)\./g)) used.add(Number(match[1]));
  return used;
}
