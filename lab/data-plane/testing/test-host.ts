import http from 'node:http';
import { PYENV_PYTHON_ROOT } from '../../images/catalog.ts';
import type { AgentLauncher, HostView } from '../contracts.ts';
import type { AmiProfileName } from '../host/ami-profiles.ts';
import { bootHost } from '../host/boot-host.ts';
import type { AssumedImdsCredentials, HostSpec, InstanceHandle } from '../host/host-spec.ts';
import type { LabNetwork } from '../network/lab-network.ts';
import { listenInNetns } from '../network/listen-in-netns.ts';

/** Helpers for the lab's own specs and benchmarks (fake agent, fake instance role, a boot with defaults). */

/** The Python with botocore that the lab's images use: its credential chain is the real one. */
export const BOTOCORE_PYTHON = `${PYENV_PYTHON_ROOT}/bin/python`;

/**
 * `env` arguments: botocore's own credential chain with an empty environment, so it ends at IMDS (or the
 * container endpoint when given); prints the access key id it got, or `no credentials`.
 */
export const BOTOCORE_ACCESS_KEY = [
  '-i',
  'HOME=/nonexistent',
  BOTOCORE_PYTHON,
  '-c',
  'import botocore.session; c = botocore.session.get_session().get_credentials(); print(c.access_key if c else "no credentials")',
];

export const INSTANCE_ROLE: AssumedImdsCredentials = {
  roleName: 'lab-instance-role',
  accessKeyId: 'AKIALABINSTANCEROLE0',
  secretAccessKey: 'lab-instance-secret',
  sessionToken: 'lab-instance-token',
  expiration: new Date(Date.now() + 6 * 3600_000),
};

export interface FakeAgent {
  launcher: AgentLauncher;
  launches: HostView[];
  stops: number;
  running(): number;
}

export function fakeAgent(): FakeAgent {
  const agent: FakeAgent = {
    launches: [],
    stops: 0,
    running: () => agent.launches.length - agent.stops,
    launcher: async (view) => {
      agent.launches.push(view);
      return {
        stop: async () => {
          agent.stops += 1;
        },
      };
    },
  };
  return agent;
}

let counter = 0;

export function testInstanceId(): string {
  counter += 1;
  return `i-0lab${process.pid.toString(16)}${counter.toString(16).padStart(4, '0')}`;
}

export async function bootTestHost(
  lab: LabNetwork,
  amiProfile: AmiProfileName,
  userData: string,
  overrides: Partial<HostSpec> = {},
): Promise<{ host: InstanceHandle; agent: FakeAgent }> {
  const agent = fakeAgent();
  const host = await bootHost(lab, {
    instanceId: testInstanceId(),
    amiProfile,
    userData,
    region: 'us-east-1',
    controlPlane: { host: lab.controlPlaneAddress, port: 4566 },
    imdsCredentials: async () => INSTANCE_ROLE,
    launchAgent: agent.launcher,
    ...overrides,
  });
  return { host, agent };
}

/** An HTTP listener in a namespace answering "<name> <client address>", standing in for the agent. */
export async function namedListener(netns: string, host: string, port: number, name: string) {
  const handle = await listenInNetns(netns, host, port);
  const server = http.createServer((req, res) => res.end(`${name} ${req.socket.remoteAddress}`));
  await new Promise<void>((resolve) => server.listen(handle, resolve));
  return {
    /** Closes the socket (an open socket would keep the namespace alive). */
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** curl's exit codes the specs tell apart: 0 answered, 7 refused, 28 timed out (packets dropped). */
export const CURL_TIMEOUT = 28;
export const CURL_REFUSED = 7;

/** curl arguments for a quick probe; the exit code says answered / refused / dropped. */
export function probe(url: string, extra: readonly string[] = []): string[] {
  return ['-sS', '--max-time', '2', ...extra, url];
}
