import { randomBytes } from 'node:crypto';
import { BadInputError } from '../../../core/errors.ts';

/**
 * Every kernel object a lab creates (namespaces, links) starts with the lab's prefix, so concurrent labs
 * stay apart and `cleanupLab` finds what a crashed lab left behind.
 */
export const LAB_PREFIX_PATTERN = /^etr[0-9a-f]{4}$/;

/** Linux limits interface names to 15 characters (IFNAMSIZ - 1). */
const MAX_LINK_NAME = 15;

export function newLabPrefix(): string {
  return `etr${randomBytes(2).toString('hex')}`;
}

export function assertLabPrefix(prefix: string): void {
  if (!LAB_PREFIX_PATTERN.test(prefix)) {
    throw new BadInputError([
      { file: 'lab', path: 'prefix', message: `"${prefix}" is not a lab prefix: expected "etr" and 4 hex digits` },
    ]);
  }
}

export interface LabNames {
  prefix: string;
  /** The lab bridge in the root namespace (the control plane listens on its address). */
  bridge: string;
  vpcNetns: string;
  vpcLink: string;
  proxyNetns: string;
  proxyLink: string;
  instanceNetns(instanceId: string): string;
  /** Root-side end of instance number `n`'s veth. */
  instanceLink(n: number): string;
}

export function labNames(prefix: string): LabNames {
  assertLabPrefix(prefix);
  return {
    prefix,
    bridge: link(`${prefix}-br`),
    vpcNetns: `${prefix}-vpc`,
    vpcLink: link(`${prefix}-vpc`),
    proxyNetns: `${prefix}-proxy`,
    proxyLink: link(`${prefix}-px`),
    instanceNetns: (instanceId) => `${prefix}-${instanceId.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    instanceLink: (n) => link(`${prefix}-h${n}`),
  };
}

function link(name: string): string {
  if (name.length > MAX_LINK_NAME) throw new Error(`interface name ${name} exceeds ${MAX_LINK_NAME} characters`);
  return name;
}
