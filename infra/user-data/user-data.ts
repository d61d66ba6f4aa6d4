import { RUN_TTL_HOURS } from '../../core/caps.ts';
import { isEcsOptimized } from '../../core/matrix/dimensions.ts';
import type { InstanceGroup } from '../../core/matrix/instance-groups.ts';
import { DOCUMENTED_NO_PROXY } from '../task-definition/task-definition.ts';

export interface UserDataContext {
  cluster: string;
  /** The HTTP proxy for `agentProxy` groups. */
  proxyUrl?: string;
  /** The run's expiry: the instance shuts itself down then. Default: the expiry of a run starting now. */
  expiresAt?: Date;
}

/** The documented manual rules for instances without ecs-init (Developer Guide, task-iam-roles.md). */
const ROUTE_LOCALNET = 'sysctl -w net.ipv4.conf.all.route_localnet=1';
const CREDENTIALS_RULES = [
  'iptables -t nat -A PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
  'iptables -t nat -A OUTPUT -d 169.254.170.2 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 51679',
];
/** Documented: keep bridge-mode tasks off IMDS (Developer Guide, task-iam-roles.md). */
const BLOCK_IMDS =
  'iptables --insert DOCKER-USER 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP';

/**
 * The user data of one instance group, as a platform team would write it: `ecs.config` with the cluster and
 * the group's flags, agent proxy settings, the IMDS block rule and, on the plain AMI, the agent container
 * and the manual rules `hostRules` names. `not-saved-rebooted` adds the rules without saving them and
 * `documented-rebooted` saves them as the seed says; the harness then reboots both (the check of the save).
 */
export function userDataFor(group: InstanceGroup, context: UserDataContext): string {
  const g = group.instance;
  const config = [
    `ECS_CLUSTER=${context.cluster}`,
    `ECS_ENABLE_TASK_IAM_ROLE=${g.taskIamRoleFlag}`,
    `ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=${g.networkHostFlag}`,
    // Written only when on (its default is false), so the known-good user data stays as it was.
    ...(g.awsvpcBlockImdsFlag === 'true' ? ['ECS_AWSVPC_BLOCK_IMDS=true'] : []),
    ...(g.rpsLimit === 'default' ? [] : [`ECS_TASK_METADATA_RPS_LIMIT=${g.rpsLimit}`]),
    ...(isEcsOptimized(g.ami) ? [] : ['ECS_AVAILABLE_LOGGING_DRIVERS=["json-file","awslogs"]']), // manual install: awslogs is not an agent default
    ...agentProxyLines(g.agentProxy, context.proxyUrl),
  ];
  const expiresAt = context.expiresAt ?? new Date(Date.now() + RUN_TTL_HOURS * 3_600_000);
  const lines = [
    '#!/bin/bash',
    'set -u',
    // First, so nothing later in the script can keep the instance from expiring.
    ...expiryLines(expiresAt),
    'mkdir -p /etc/ecs /var/log/ecs /var/lib/ecs/data',
    "cat > /etc/ecs/ecs.config <<'ECS_CONFIG'",
    ...config,
    'ECS_CONFIG',
  ];
  if (g.agentProxy !== 'none' && isEcsOptimized(g.ami)) lines.push(...ecsInitProxyDropIn(g.ami, context.proxyUrl));
  if (!isEcsOptimized(g.ami)) lines.push(...INSTALL_DOCKER, ...hostRuleLines(g.hostRules), ...agentContainer());
  if (g.imds === 'blocked') lines.push(BLOCK_IMDS);
  return `${lines.join('\n')}\n`;
}

const EXPIRE_SCRIPT = '/var/lib/ecs-taskrole/expire';

/**
 * Shuts the instance down at the run's expiry (it was launched with shutdown behaviour `terminate`, so that
 * ends it), at this boot and after every reboot (a `shutdown +N` does not survive one): a systemd unit on
 * AL2 and AL2023, rc.local on AL1 (upstart). systemd's `shutdown +N` schedules and returns; sysvinit's
 * waits, so it goes to the background there.
 */
function expiryLines(expiresAt: Date): string[] {
  const epoch = Math.floor(expiresAt.getTime() / 1000);
  return [
    `mkdir -p ${EXPIRE_SCRIPT.slice(0, EXPIRE_SCRIPT.lastIndexOf('/'))}`,
    `cat > ${EXPIRE_SCRIPT} <<'EXPIRE'`,
    '#!/bin/sh',
    `# ecs-taskrole: this instance's run expires at ${expiresAt.toISOString()}`,
    `left=$(( (${epoch} - $(date +%s) + 59) / 60 ))`,
    '[ "$left" -gt 0 ] || left=now',
    '[ "$left" = now ] || left="+$left"',
    'if [ -d /run/systemd/system ]; then shutdown -h "$left"; else nohup shutdown -h "$left" >/dev/null 2>&1 & fi',
    'EXPIRE',
    `chmod 755 ${EXPIRE_SCRIPT}`,
    'if [ -d /run/systemd/system ]; then',
    "  cat > /etc/systemd/system/ecs-taskrole-expire.service <<'UNIT'",
    '[Unit]',
    "Description=Shut down at the ecs-taskrole run's expiry",
    '[Service]',
    'Type=oneshot',
    `ExecStart=${EXPIRE_SCRIPT}`,
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    '  systemctl enable ecs-taskrole-expire.service',
    'else',
    `  echo ${EXPIRE_SCRIPT} >> /etc/rc.d/rc.local`,
    'fi',
    EXPIRE_SCRIPT,
  ];
}

function agentProxyLines(agentProxy: InstanceGroup['instance']['agentProxy'], proxyUrl: string | undefined): string[] {
  if (agentProxy === 'none') return [];
  if (!proxyUrl) throw new Error(`agentProxy=${agentProxy} needs a proxy URL (the lab's, or --proxy-url on AWS)`);
  const proxy = [`HTTP_PROXY=${proxyUrl}`];
  return agentProxy === 'with-no-proxy' ? [...proxy, `NO_PROXY=${DOCUMENTED_NO_PROXY},/var/run/docker.sock`] : proxy;
}

/** ecs-init itself (pulling the agent image) goes through the proxy too: documented systemd/upstart config. */
function ecsInitProxyDropIn(ami: InstanceGroup['instance']['ami'], proxyUrl: string | undefined): string[] {
  if (ami === 'al1-ecs') return [`echo 'env HTTP_PROXY=${proxyUrl}' >> /etc/init/ecs.override`];
  return [
    'mkdir -p /etc/systemd/system/ecs.service.d',
    "cat > /etc/systemd/system/ecs.service.d/http-proxy.conf <<'DROPIN'",
    '[Service]',
    `Environment="HTTP_PROXY=${proxyUrl}/"`,
    `Environment="NO_PROXY=${DOCUMENTED_NO_PROXY},/var/run/docker.sock"`,
    'DROPIN',
  ];
}

/**
 * Plain AL2023 has no Docker: its `docker` package installed and started first, enabled so dockerd (and
 * the --restart=always agent container) comes back after a reboot.
 */
const INSTALL_DOCKER = ['dnf install -y docker', 'systemctl enable --now docker'];

/**
 * Rules saved to /etc/sysconfig/iptables come back at boot only through the iptables service, which plain
 * AL2023 does not have: installed, then the seed's own line (save, enable and start the service).
 */
const SAVE_RULES = [
  'dnf install -y iptables-services',
  'iptables-save | tee /etc/sysconfig/iptables && systemctl enable --now iptables',
];

function hostRuleLines(hostRules: InstanceGroup['instance']['hostRules']): string[] {
  switch (hostRules) {
    case 'documented':
    case 'documented-rebooted':
      return [ROUTE_LOCALNET, ...CREDENTIALS_RULES, ...SAVE_RULES];
    case 'no-route-localnet':
      return [...CREDENTIALS_RULES, ...SAVE_RULES];
    case 'not-saved-rebooted':
      return [ROUTE_LOCALNET, ...CREDENTIALS_RULES];
    case 'none':
      return [];
  }
}

/** The documented way to run the agent without ecs-init: its container, restarted with the instance. */
function agentContainer(): string[] {
  return [
    'docker run --name ecs-agent \\',
    '  --detach=true --restart=always \\',
    '  --volume=/var/run:/var/run --volume=/var/log/ecs/:/log --volume=/var/lib/ecs/data:/data \\',
    '  --volume=/etc/ecs:/etc/ecs --net=host \\',
    '  --env-file=/etc/ecs/ecs.config \\',
    '  --env=ECS_LOGFILE=/log/ecs-agent.log --env=ECS_DATADIR=/data/ \\',
    '  amazon/amazon-ecs-agent:latest',
  ];
}
