import { RUN_TTL_HOURS } from '../../core/caps.ts';
import { BadInputError } from '../../core/errors.ts';
import { proxyOrigin, proxyUrlProblem } from '../../core/input/proxy-url.ts';
import { isEcsOptimized, runsEcsInit } from '../../core/matrix/dimensions.ts';
import type { InstanceGroup } from '../../core/matrix/instance-groups.ts';
import { DOCUMENTED_NO_PROXY } from '../task-definition/task-definition.ts';
import { agentImage } from './agent-image.ts';
import { expiryLines } from './expiry.ts';
import { afterBootLines, BLOCK_IMDS_IN_FORWARD, hardeningLines } from './host-incidents.ts';
import { systemdEnvironmentLine, upstartEnvLine, writeFileLines } from './script-text.ts';

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
/** The documented NO_PROXY of ecs-init and the agent (http_proxy_config.md): IMDS, credentials, docker. */
const AGENT_NO_PROXY = `${DOCUMENTED_NO_PROXY},/var/run/docker.sock`;
/** Harness-made names only (resourceName): checked anyway, since it lands in ecs.config. */
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * The user data of one instance group, as a platform team would write it: `ecs.config` with the cluster and
 * the group's flags, agent proxy settings, the IMDS block rule and, on the plain AMI, the agent container
 * and the manual rules `hostRules` names. `not-saved-rebooted` adds the rules without saving them and
 * `documented-rebooted` saves them as the seed says; the harness then reboots both (the check of the save).
 * Every file is written from a base64 blob (script-text.ts): no value is shell text.
 */
export function userDataFor(group: InstanceGroup, context: UserDataContext): string {
  const g = group.instance;
  checkValues(g, context);
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
    ...writeFileLines('/etc/ecs/ecs.config', `${config.join('\n')}\n`, { what: "the agent's configuration" }),
  ];
  if (g.agentProxy !== 'none' && runsEcsInit(g)) lines.push(...ecsInitProxyLines(g.ami, context.proxyUrl ?? ''));
  // The plain AMI has no iptables until docker's package brings it; its hardening is saved with its rules.
  if (isEcsOptimized(g.ami)) lines.push(...hardeningLines(g.hostFirewall));
  else
    lines.push(...INSTALL_DOCKER, ...hardeningLines(g.hostFirewall), ...hostRuleLines(g.hostRules), ...plainAgent(g));
  if (g.imds === 'blocked') lines.push(BLOCK_IMDS);
  if (g.imds === 'blocked-forward') lines.push(BLOCK_IMDS_IN_FORWARD);
  lines.push(...afterBootLines(g));
  return `${lines.join('\n')}\n`;
}

/** The grammar again at the last step before root's script: a caller that skipped it is refused here. */
function checkValues(g: InstanceGroup['instance'], context: UserDataContext): void {
  const problems = [];
  if (!CLUSTER_NAME.test(context.cluster)) {
    problems.push({ file: 'user data', path: 'cluster', message: 'expected a cluster name: letters, digits, - and _' });
  }
  if (g.agentProxy !== 'none') {
    const problem = context.proxyUrl ? proxyUrlProblem(context.proxyUrl) : 'agentProxy needs a proxy URL';
    if (problem) problems.push({ file: 'user data', path: 'proxy URL', message: problem });
  }
  if (problems.length > 0) throw new BadInputError(problems);
}

function agentProxyLines(agentProxy: InstanceGroup['instance']['agentProxy'], proxyUrl: string | undefined): string[] {
  if (agentProxy === 'none' || !proxyUrl) return [];
  const proxy = [`HTTP_PROXY=${proxyUrl}`];
  return agentProxy === 'with-no-proxy' ? [...proxy, `NO_PROXY=${AGENT_NO_PROXY}`] : proxy;
}

/**
 * ecs-init itself (pulling the agent image) goes through the proxy too: the documented upstart override
 * (AL1) or systemd drop-in. systemd loaded ecs.service at boot, before this script: the drop-in counts only
 * after `systemctl daemon-reload` (ecs.service starts after cloud-final, so after this).
 */
function ecsInitProxyLines(ami: InstanceGroup['instance']['ami'], proxyUrl: string): string[] {
  const proxy = `${proxyOrigin(proxyUrl)}/`;
  if (ami === 'al1-ecs') {
    return writeFileLines('/etc/init/ecs.override', `${upstartEnvLine('HTTP_PROXY', proxy)}\n`, {
      append: true,
      what: "ecs-init's proxy (upstart env stanza)",
    });
  }
  const dropIn = [
    '[Service]',
    systemdEnvironmentLine('HTTP_PROXY', proxy),
    systemdEnvironmentLine('NO_PROXY', AGENT_NO_PROXY),
    '',
  ].join('\n');
  return [
    'mkdir -p /etc/systemd/system/ecs.service.d',
    ...writeFileLines('/etc/systemd/system/ecs.service.d/http-proxy.conf', dropIn, {
      what: "ecs-init's proxy (systemd drop-in)",
    }),
    'systemctl daemon-reload',
  ];
}

/**
 * Plain AL2023 has no Docker: its `docker` package installed, enabled (dockerd and the --restart=always agent
 * container come back after a reboot) and started without waiting: a `systemctl start` from cloud-final
 * blocks on its job, and one queued behind a unit ordered after cloud-final never ends. The script then
 * waits for dockerd to answer (5 minutes at most) before it runs the agent container.
 */
const INSTALL_DOCKER = [
  'dnf install -y docker',
  'systemctl enable --now --no-block docker',
  'for _ in $(seq 1 150); do docker info >/dev/null 2>&1 && break; sleep 2; done',
];

/**
 * Rules saved to /etc/sysconfig/iptables come back at boot only through the iptables service, which plain
 * AL2023 does not have: installed, then the seed's own line (save, enable and start the service). Its
 * blocking start is safe from cloud-final: iptables.service is ordered before network-pre.target, long
 * done by then (iptables-services' unit file).
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

/**
 * The plain AMI's agent: the documented container, or AL2023's ecs-init package, enabled (so it comes back
 * after a reboot) and started without blocking: ecs.service is ordered after cloud-final, which waits for
 * this script (ECS developer guide, ecs-agent-install.md). ecs-init then adds its own rules at every start.
 */
function plainAgent(g: InstanceGroup['instance']): string[] {
  if (g.agentInstall === 'container') return agentContainer(g.agentVersion);
  return ['dnf install -y ecs-init', 'systemctl enable --now --no-block ecs'];
}

/** The documented way to run the agent without ecs-init: its container, restarted with the instance. */
function agentContainer(version: InstanceGroup['instance']['agentVersion']): string[] {
  return [
    'docker run --name ecs-agent \\',
    '  --detach=true --restart=always \\',
    '  --volume=/var/run:/var/run --volume=/var/log/ecs/:/log --volume=/var/lib/ecs/data:/data \\',
    '  --volume=/etc/ecs:/etc/ecs --net=host \\',
    '  --env-file=/etc/ecs/ecs.config \\',
    '  --env=ECS_LOGFILE=/log/ecs-agent.log --env=ECS_DATADIR=/data/ \\',
    `  ${agentImage(version)}`,
  ];
}
