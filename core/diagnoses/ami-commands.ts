import type { Dimensions } from '../matrix/dimensions.ts';

/** How an operator restarts the agent and persists iptables rules on each AMI profile's OS. */
export interface AmiCommands {
  os: string;
  restartAgent: string[];
  saveIptables: string[];
  agentStatus: string;
}

const UPSTART_AL1: AmiCommands = {
  os: 'Amazon Linux (AL1, upstart)',
  // The KB article's commands for the ECS-optimized Amazon Linux AMI (upstart).
  restartAgent: ['sudo stop ecs', 'sudo start ecs'],
  saveIptables: ['sudo service iptables save'],
  agentStatus: 'sudo status ecs',
};

function systemd(os: string): AmiCommands {
  return {
    os,
    restartAgent: ['sudo systemctl restart ecs'],
    // The KB article's command for Amazon Linux 2; the iptables service is in the iptables-services package.
    saveIptables: ['sudo iptables-save | sudo tee /etc/sysconfig/iptables && sudo systemctl enable --now iptables'],
    agentStatus: 'sudo systemctl status ecs',
  };
}

export const AMI_COMMANDS: Record<Dimensions['ami'], AmiCommands> = {
  'al1-ecs': UPSTART_AL1,
  'al2-ecs': systemd('Amazon Linux 2 (systemd)'),
  'al2023-ecs': systemd('Amazon Linux 2023 (systemd)'),
  'al2023-plain': systemd('Amazon Linux 2023, not ECS-optimized (systemd)'),
};

/** Lines that append settings to the agent's config, then restart it so it reads them. */
export function setAgentConfig(ami: Dimensions['ami'], settings: readonly string[]): string[] {
  return [
    ...settings.map((setting) => `echo '${setting}' | sudo tee -a /etc/ecs/ecs.config`),
    ...AMI_COMMANDS[ami].restartAgent,
  ];
}

/** The documented manual rules for non-ECS-optimized AMIs (ecs-init applies the same on optimized ones). */
export const ROUTE_LOCALNET = [
  'sudo sysctl -w net.ipv4.conf.all.route_localnet=1',
  "echo 'net.ipv4.conf.all.route_localnet = 1' | sudo tee /etc/sysctl.d/90-ecs-route-localnet.conf",
];
export const CREDENTIALS_NAT_RULES = [
  'sudo iptables -t nat -A PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
  'sudo iptables -t nat -A OUTPUT -d 169.254.170.2 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 51679',
];
