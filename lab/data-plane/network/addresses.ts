import { randomBytes } from 'node:crypto';

/**
 * Lab addressing. Only link-local (169.254.0.0/16) and benchmark (198.18.0.0/15) addresses are used, and no
 * namespace gets a default route, so nothing can leave the machine.
 *
 * Each lab owns one /24 in 198.18.0.0/16 (a random free index 1–254 so concurrent labs never overlap, or
 * one asked for, e.g. 0 for a control plane that expects 198.18.0.1):
 *   .1 root namespace (lab bridge; the control plane listens here), .2 VPC router + IMDS, .3 proxy,
 *   .10–.250 instances.
 * Every instance has the same task bridge (docker0) subnet, as every EC2 instance has 172.17.0.0/16;
 * task traffic is masqueraded behind the instance address like Docker does.
 */
export const IMDS_ADDRESS = '169.254.169.254';
export const CREDENTIALS_ENDPOINT_ADDRESS = '169.254.170.2';
export const LINK_LOCAL_CIDR = '169.254.0.0/16';
export const BENCHMARK_CIDR = '198.18.0.0/15';

export const TASK_BRIDGE_NAME = 'docker0';
export const TASK_BRIDGE_GATEWAY = '198.19.0.1';
export const TASK_BRIDGE_PREFIX_LENGTH = 24;
export const TASK_BRIDGE_SUBNET = `198.19.0.0/${TASK_BRIDGE_PREFIX_LENGTH}`;
const TASK_ADDRESS_FIRST = 2;
const TASK_ADDRESS_LAST = 254;

export const PROXY_PORT = 3128;

const FIRST_INSTANCE_HOST = 10;
const LAST_INSTANCE_HOST = 250;

/**
 * A random unicast, locally administered MAC for a bridge. A Linux bridge without an address of its own
 * takes the lowest MAC among its ports and changes it as ports come and go; neighbours that cached the old
 * one (tasks on docker0, instances on the lab bridge) then lose packets until their ARP entry expires.
 * dockerd, too, gives docker0 a random MAC when it creates it (moby libnetwork
 * drivers/bridge/setup_device.go).
 */
export function bridgeMac(): string {
  const bytes = randomBytes(6);
  bytes[0] = ((bytes[0] ?? 0) & 0xfe) | 0x02;
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

export interface LabSubnet {
  index: number;
  cidr: string;
  prefixLength: 24;
  /** Root namespace side of the lab bridge: where the control plane listens. */
  gateway: string;
  vpcRouter: string;
  proxy: string;
}

export function labSubnet(index: number): LabSubnet {
  if (!Number.isInteger(index) || index < 0 || index > 254) throw new Error(`lab subnet index ${index} not in 0..254`);
  const base = `198.18.${index}`;
  return {
    index,
    cidr: `${base}.0/24`,
    prefixLength: 24,
    gateway: `${base}.1`,
    vpcRouter: `${base}.2`,
    proxy: `${base}.3`,
  };
}

/** Hands out host numbers in a range; released numbers are reused lowest first. */
export class AddressPool {
  readonly #base: string;
  readonly #first: number;
  readonly #last: number;
  readonly #used = new Set<number>();

  constructor(base: string, first: number, last: number) {
    this.#base = base;
    this.#first = first;
    this.#last = last;
  }

  allocate(): string {
    for (let host = this.#first; host <= this.#last; host += 1) {
      if (!this.#used.has(host)) {
        this.#used.add(host);
        return `${this.#base}.${host}`;
      }
    }
    throw new Error(`no free address left in ${this.#base}.${this.#first}-${this.#last}`);
  }

  release(address: string): void {
    const host = Number(address.slice(this.#base.length + 1));
    if (address.startsWith(`${this.#base}.`)) this.#used.delete(host);
  }
}

export function instanceAddressPool(subnet: LabSubnet): AddressPool {
  return new AddressPool(subnet.cidr.slice(0, subnet.cidr.lastIndexOf('.')), FIRST_INSTANCE_HOST, LAST_INSTANCE_HOST);
}

export function taskAddressPool(): AddressPool {
  return new AddressPool(
    TASK_BRIDGE_GATEWAY.slice(0, TASK_BRIDGE_GATEWAY.lastIndexOf('.')),
    TASK_ADDRESS_FIRST,
    TASK_ADDRESS_LAST,
  );
}
