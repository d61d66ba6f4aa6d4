import { IMDS_ADDRESS } from '../network/addresses.ts';
import { runInNetns } from '../network/commands.ts';

const CHAIN = 'LAB-TTL-PROBE';

/**
 * Counts the IMDS HTTP responses (their status-line packets) that arrive in a namespace with each of
 * `ttls` as IP TTL while `during` runs: what the hop limit did to them on the way, seen from the receiver.
 * Counter rules only (no target), in a chain of their own, removed afterwards.
 */
export async function imdsResponseTtls(
  netns: string,
  ttls: readonly number[],
  during: () => Promise<unknown>,
): Promise<Record<number, number>> {
  const iptables = (args: string[]) => runInNetns(netns, 'iptables', ['-w', '-t', 'mangle', ...args]);
  const jump = ['PREROUTING', '-s', `${IMDS_ADDRESS}/32`, '-p', 'tcp', '--sport', '80', '-j', CHAIN];
  await iptables(['-N', CHAIN]);
  try {
    for (const ttl of ttls) {
      await iptables([
        '-A',
        CHAIN,
        '-m',
        'string',
        '--algo',
        'bm',
        '--string',
        'HTTP/1.1 ',
        '-m',
        'ttl',
        '--ttl-eq',
        String(ttl),
      ]);
    }
    await iptables(['-I', ...jump]);
    try {
      await during();
      const { stdout } = await iptables(['-L', CHAIN, '-v', '-x', '-n']);
      const counts: Record<number, number> = Object.fromEntries(ttls.map((ttl) => [ttl, 0]));
      for (const line of stdout.split('\n')) {
        const ttl = /TTL match TTL == (\d+)/.exec(line)?.[1];
        const packets = /^\s*(\d+)/.exec(line)?.[1];
        if (ttl !== undefined && packets !== undefined) counts[Number(ttl)] = Number(packets);
      }
      return counts;
    } finally {
      await iptables(['-D', ...jump]);
    }
  } finally {
    await iptables(['-F', CHAIN]);
    await iptables(['-X', CHAIN]);
  }
}
