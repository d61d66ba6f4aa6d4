import { IMDS_ADDRESS } from '../addresses.ts';
import { runInNetns } from '../commands.ts';

/**
 * The PUT response hop limit as EC2 enforces it: the packets of a token response leave IMDS with IP TTL =
 * the instance's hop limit, and every router on the way decrements it. A process on the instance receives
 * them (TTL 1 is enough for local delivery); a bridge-mode container sits behind one more routed hop
 * (the instance forwarding to docker0), so with hop limit 1 the kernel drops them there and the client
 * waits in vain. Other responses, and the connection set-up, leave with the default TTL.
 *
 * netfilter in the VPC namespace does it, not the service: a request line on an IMDS connection clears
 * the connection's mark and a token PUT sets it (the mark follows the latest request, as keep-alive
 * connections carry several); the replies of marked connections get the TTL of their destination's
 * hop limit, one rule per instance in {@link HOP_LIMIT_CHAIN}.
 */
export const HOP_LIMIT_CHAIN = 'IMDS-HOP-LIMIT';

/** The connmark bit of "the latest request on this connection was a token PUT". */
const TOKEN_MARK = '0x1/0x1';
const NO_TOKEN_MARK = '0x0/0x1';

/** The mangle table of the VPC namespace, for its iptables-restore. */
export function hopLimitTable(): string {
  const request = `-d ${IMDS_ADDRESS}/32 -p tcp -m tcp --dport 80`;
  return `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:${HOP_LIMIT_CHAIN} - [0:0]
-A PREROUTING ${request} -m string --algo bm --string " HTTP/1." -j CONNMARK --set-xmark ${NO_TOKEN_MARK}
-A PREROUTING ${request} -m string --algo bm --string "PUT /latest/api/token " -j CONNMARK --set-xmark ${TOKEN_MARK}
-A OUTPUT -s ${IMDS_ADDRESS}/32 -p tcp -m tcp --sport 80 -m connmark --mark ${TOKEN_MARK} -j ${HOP_LIMIT_CHAIN}
COMMIT
`;
}

/** Sets and removes an instance's hop limit (the TTL its token responses leave with). */
export interface HopLimits {
  set(address: string, hopLimit: number): Promise<void>;
  remove(address: string): Promise<void>;
}

export function hopLimitsIn(netns: string): HopLimits {
  const rule = (address: string, hopLimit: number) => [
    HOP_LIMIT_CHAIN,
    '-d',
    `${address}/32`,
    '-j',
    'TTL',
    '--ttl-set',
    String(hopLimit),
  ];
  const hopLimits = new Map<string, number>();
  // -w: instances boot in parallel and iptables takes one lock per namespace.
  const iptables = (args: string[], allowFailure = false) =>
    runInNetns(netns, 'iptables', ['-w', '-t', 'mangle', ...args], { allowFailure });
  return {
    async set(address, hopLimit) {
      if (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 64) {
        throw new RangeError(`hop limit ${hopLimit}: EC2 accepts 1 to 64`);
      }
      await this.remove(address);
      await iptables(['-A', ...rule(address, hopLimit)]);
      hopLimits.set(address, hopLimit);
    },
    async remove(address) {
      const hopLimit = hopLimits.get(address);
      if (hopLimit === undefined) return;
      hopLimits.delete(address);
      // Allowed to fail: a lab closing after a crash may have removed the namespace already.
      await iptables(['-D', ...rule(address, hopLimit)], true);
    },
  };
}
