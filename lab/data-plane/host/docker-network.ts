import {
  bridgeMac,
  TASK_BRIDGE_GATEWAY,
  TASK_BRIDGE_NAME,
  TASK_BRIDGE_PREFIX_LENGTH,
  TASK_BRIDGE_SUBNET,
} from '../network/addresses.ts';

/**
 * What dockerd sets up when it starts (bridge driver, iptables enabled): ip_forward, the docker0 bridge
 * with a MAC of its own (so it does not change as tasks come and go), the filter FORWARD chain with
 * DOCKER-USER first and policy DROP, and masquerading of bridge traffic.
 * Like dockerd at every start, the default bridge network's FORWARD rules are removed and put back on top
 * (dockerd deletes and re-creates the default `bridge` network when it starts without live-restore), so a
 * rule a user inserted into FORWARD above them ends up below them after a restart (aws-cdk#17896), while a
 * DOCKER-USER chain, restored from /etc/sysconfig/iptables or not, is kept as is and jumped to first.
 * On an empty FORWARD chain (first start) the result is the same as appending them.
 * Sources: moby libnetwork/iptables and drivers/bridge (setupIPChains, setupIPTables), firewall_linux.go
 * (arrangeUserFilterRule), Docker docs "Packet filtering and firewalls".
 */
export function dockerStartScript(): string {
  const bridge = TASK_BRIDGE_NAME;
  return [
    'sysctl -qw net.ipv4.ip_forward=1',
    `ip link show ${bridge} >/dev/null 2>&1 || ip link add ${bridge} address ${bridgeMac()} type bridge`,
    `ip addr show dev ${bridge} | grep -q 'inet ${TASK_BRIDGE_GATEWAY}/' || ip addr add ${TASK_BRIDGE_GATEWAY}/${TASK_BRIDGE_PREFIX_LENGTH} dev ${bridge}`,
    `ip link set ${bridge} up`,
    'iptables -t nat -N DOCKER 2>/dev/null || true',
    'iptables -t filter -N DOCKER 2>/dev/null || true',
    'iptables -t filter -N DOCKER-USER 2>/dev/null || true',
    'iptables -t filter -C DOCKER-USER -j RETURN 2>/dev/null || iptables -t filter -A DOCKER-USER -j RETURN',
    'iptables -t filter -P FORWARD DROP',
    ...onTop('FORWARD', [
      `-o ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-o ${bridge} -j DOCKER`,
      `-i ${bridge} ! -o ${bridge} -j ACCEPT`,
      `-i ${bridge} -o ${bridge} -j ACCEPT`,
    ]),
    // dockerd keeps DOCKER-USER as the first FORWARD rule.
    'iptables -t filter -D FORWARD -j DOCKER-USER 2>/dev/null || true',
    'iptables -t filter -I FORWARD 1 -j DOCKER-USER',
    ensure('nat', 'POSTROUTING', `-s ${TASK_BRIDGE_SUBNET} ! -o ${bridge} -j MASQUERADE`),
  ].join('\n');
}

/** Every copy of each rule removed, then the rules inserted at the top of the filter chain, in this order. */
function onTop(chain: string, rules: readonly string[]): string[] {
  return rules.flatMap((rule, index) => [
    `while iptables -t filter -D ${chain} ${rule} 2>/dev/null; do :; done`,
    `iptables -t filter -I ${chain} ${index + 1} ${rule}`,
  ]);
}

function ensure(table: string, chain: string, rule: string): string {
  return `iptables -t ${table} -C ${chain} ${rule} 2>/dev/null || iptables -t ${table} -A ${chain} ${rule}`;
}
