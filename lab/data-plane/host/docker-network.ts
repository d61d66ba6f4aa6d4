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
 * Idempotent like dockerd: a DOCKER-USER chain restored from /etc/sysconfig/iptables is kept as is.
 * Sources: moby libnetwork/iptables and drivers/bridge (setupIPChains, setupIPTables), Docker docs
 * "Packet filtering and firewalls".
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
    ensure('filter', 'FORWARD', `-o ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`),
    ensure('filter', 'FORWARD', `-o ${bridge} -j DOCKER`),
    ensure('filter', 'FORWARD', `-i ${bridge} ! -o ${bridge} -j ACCEPT`),
    ensure('filter', 'FORWARD', `-i ${bridge} -o ${bridge} -j ACCEPT`),
    // dockerd keeps DOCKER-USER as the first FORWARD rule.
    'iptables -t filter -D FORWARD -j DOCKER-USER 2>/dev/null || true',
    'iptables -t filter -I FORWARD 1 -j DOCKER-USER',
    ensure('nat', 'POSTROUTING', `-s ${TASK_BRIDGE_SUBNET} ! -o ${bridge} -j MASQUERADE`),
  ].join('\n');
}

function ensure(table: string, chain: string, rule: string): string {
  return `iptables -t ${table} -C ${chain} ${rule} 2>/dev/null || iptables -t ${table} -A ${chain} ${rule}`;
}
