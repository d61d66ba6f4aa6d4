import { runsEcsInit } from '../../core/matrix/dimensions.ts';
import type { InstanceGroup } from '../../core/matrix/instance-groups.ts';

/**
 * User data lines that give an instance the host conditions of reported incidents: a CIS-hardened INPUT
 * chain (`hostFirewall`), an IMDS drop in FORWARD (`imds: blocked-forward`) and a change while the agent
 * runs (`afterBoot`). Fixed text only: no value of the run reaches these lines.
 */

/**
 * The CIS benchmark's iptables section for INPUT, as hardened AMIs ship it: loopback accepted, loopback
 * addresses from anywhere else dropped, replies to the host's own connections accepted, SSH, then policy
 * DROP (CIS Amazon Linux 2 Benchmark 3.5.x; amazon-ecs-agent#2877 shows such a chain on a CIS AL2 AMI).
 */
const HARDENED_INPUT = [
  'iptables -A INPUT -i lo -j ACCEPT',
  'iptables -A INPUT -s 127.0.0.0/8 -j DROP',
  'iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  'iptables -A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT',
  'iptables -P INPUT DROP',
];

/**
 * The accept amazon-ecs-agent#2877 asks for: the credentials requests after their DNAT (they reach INPUT
 * with destination 127.0.0.1:51679, from docker0 or ecs-bridge) and the introspection port from bridge tasks.
 */
const AGENT_PORTS_ACCEPT = [
  'iptables -I INPUT -p tcp -d 127.0.0.1 --dport 51679 -j ACCEPT',
  'iptables -I INPUT -i docker0 -p tcp --dport 51678 -j ACCEPT',
];

/** The IMDS drop as older guides and generated user data wrote it: in FORWARD, not DOCKER-USER (aws-cdk#17896). */
export const BLOCK_IMDS_IN_FORWARD =
  'iptables --insert FORWARD 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP';

export function hardeningLines(hostFirewall: InstanceGroup['instance']['hostFirewall']): string[] {
  if (hostFirewall === 'open') return [];
  return hostFirewall === 'input-drop-agent-ports' ? [...HARDENED_INPUT, ...AGENT_PORTS_ACCEPT] : HARDENED_INPUT;
}

/** What `afterBoot` does once the agent runs. */
const CHANGE: Record<Exclude<InstanceGroup['instance']['afterBoot'], 'none'>, string> = {
  // Every rule, as a firewall reload or a hand-run flush leaves them; the policies stay.
  'rules-flushed': 'iptables -t nat -F; iptables -t filter -F',
  'docker-restarted': 'systemctl restart docker',
};

/**
 * ecs-init's host-mode REDIRECT: the last of the rules it adds when the ecs service starts the agent
 * (ecs-init/exec/iptables/iptables.go, Create), so once it is there all of them are.
 */
const ECS_INIT_RULES_PRESENT =
  'iptables -t nat -C OUTPUT -p tcp -d 169.254.170.2 --dport 80 -j REDIRECT --to-ports 51679';

/**
 * The change, timed "while the agent runs and before any task". The plain AMI's agent container is
 * started by this script, so the change follows it at once. Where ecs-init runs the agent (ECS-optimized
 * AMIs, or its package on a plain one) the ecs service starts
 * after user data (ecs.service is ordered after cloud-final): a detached job waits until ecs-init has added
 * all its rules (it does so right before it starts the agent, which registers seconds later), for at most ten
 * minutes, then makes the change. cloud-final's KillMode=process leaves the job running when the script ends.
 */
export function afterBootLines(group: InstanceGroup['instance']): string[] {
  if (group.afterBoot === 'none') return [];
  const change = CHANGE[group.afterBoot];
  if (!runsEcsInit(group)) return [change];
  const wait = `for _ in $(seq 1 1200); do ${ECS_INIT_RULES_PRESENT} 2>/dev/null && break; sleep 0.5; done`;
  return [`setsid bash -c '${wait}; ${change}' </dev/null >/var/log/ecs-taskrole-after-boot.log 2>&1 &`];
}
