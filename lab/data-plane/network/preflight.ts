import { InfrastructureError } from '../../../core/errors.ts';
import { missingPackages, type SystemPackage } from '../../../infra/system/system-packages.ts';
import { checkedLabRoot } from './lab-record.ts';

/** What the lab's hosts need on this machine besides Node. */
const HOST_PACKAGES: readonly SystemPackage[] = [
  { name: 'iproute2', command: 'ip', why: 'namespaces, veths and bridges' },
  { name: 'iptables', command: 'iptables', why: "the instances' NAT and filter rules" },
  { name: 'conntrack', command: 'conntrack', why: 'flushing stale NAT entries after rule changes' },
  { name: 'util-linux', command: 'nsenter', why: 'entering instance namespaces' },
  { name: 'curl', command: '/usr/bin/curl', why: 'the instance shims and user data' },
];

/**
 * Fails early, with the fix, when the lab cannot work here: not root, a system package missing, or the
 * machine's lab folder (LAB_ROOT) not root's own.
 */
export async function assertLabHostReady(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new InfrastructureError('the lab needs root (network namespaces, iptables); run as root or use sudo');
  }
  const missing = await missingPackages(HOST_PACKAGES);
  if (missing.length > 0) {
    const names = missing.map((pkg) => pkg.name).join(' ');
    const reasons = missing.map((pkg) => `${pkg.name} (${pkg.why})`).join(', ');
    throw new InfrastructureError(`the lab needs ${reasons}; install with: apt-get install -y ${names}`);
  }
  // Before anything starts: root executes the agent bundle and the instance shims from under it.
  await checkedLabRoot({ create: true });
}

/** For specs: the reason to skip lab specs on this machine, or undefined when they can run. */
export function labSkipReason(): string | undefined {
  return process.getuid?.() === 0 ? undefined : 'lab specs need root (network namespaces, iptables)';
}
