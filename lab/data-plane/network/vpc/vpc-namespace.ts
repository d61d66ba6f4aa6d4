import http from 'node:http';
import { IMDS_ADDRESS } from '../addresses.ts';
import { bridgePortCommands } from '../bridge-port.ts';
import { ipBatch, runInNetns } from '../commands.ts';
import { listenInNetns } from '../listen-in-netns.ts';
import { createNetns } from '../netns.ts';
import { hopLimitTable } from './hop-limit.ts';
import type { ImdsService } from './imds-service.ts';

/**
 * The VPC as seen from an instance: a router namespace on the lab bridge holding 169.254.169.254 (IMDS)
 * and dropping every other link-local packet, as the VPC drops link-local traffic it does not serve.
 * It does not forward anything, so an instance cannot reach beyond the lab through it; and since it sits
 * outside the instance, nothing in the instance's user data can change what it drops. Its mangle table
 * gives token responses the TTL of their instance's hop limit (hop-limit.ts).
 */
export interface VpcNamespace {
  netns: string;
  close(): Promise<void>;
}

export async function createVpcNamespace(options: {
  netns: string;
  rootLink: string;
  bridge: string;
  routerAddress: string;
  prefixLength: number;
  imds: ImdsService;
}): Promise<VpcNamespace> {
  const { netns } = options;
  await createNetns(netns);
  await ipBatch([
    ...bridgePortCommands({ ...options, address: options.routerAddress }),
    `-n ${netns} addr add ${IMDS_ADDRESS}/32 dev lo`,
  ]);
  await runInNetns(netns, 'sysctl', ['-qw', 'net.ipv4.ip_forward=0']);
  await runInNetns(netns, 'iptables-restore', [], { input: vpcRules() });

  const handle = await listenInNetns(netns, IMDS_ADDRESS, 80);
  const server = http.createServer(options.imds.handler());
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(handle, resolve));

  return {
    netns,
    close: async () => {
      // Token responses the hop limit keeps from their client hold their connection open until closed here.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function vpcRules(): string {
  return `${hopLimitTable()}*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -d ${IMDS_ADDRESS}/32 -p tcp -m tcp --dport 80 -j ACCEPT
COMMIT
`;
}
