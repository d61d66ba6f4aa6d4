/**
 * Test support: the smallest EC2 host the agent specs need, built here because the lab's host simulator
 * (lab/data-plane/host/) is another engineer's: a network namespace with an uplink veth to the root
 * namespace (where a plain moto listens), a `docker0` bridge with Docker's masquerade rule, ecs-init's
 * credentials-endpoint rules (route_localnet, DNAT, REDIRECT) and a fake IMDS on 169.254.169.254 serving
 * an instance role that differs from the task role. Everything is removed by `destroy()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { execa, type ResultPromise } from 'execa';
import { useResource } from '../../../testing/use-resource.ts';
import { serviceTrust } from '../../testing/spec-resources.ts';
import type { HostView } from '../contracts.ts';
import { bridgeMac } from '../network/addresses.ts';
import type { FakeImdsIdentity } from './fake-imds.ts';
import { type PlainMoto, startPlainMoto } from './plain-moto.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

export interface MiniHost {
  host: HostView;
  moto: PlainMoto;
  /** Any credentials work against plain moto; the specs use them as the lab's ECS-service identity. */
  serviceIdentity: { accessKeyId: string; secretAccessKey: string };
  clusterName: string;
  taskRoleArn: string;
  instanceRoleName: string;
  dir: string;
  /** Runs a command inside the instance namespace. */
  exec(file: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode?: number }>;
  destroy(): Promise<void>;
}

export interface MiniHostOptions {
  /** The agent's environment as the service manager builds it (agent-lab.ts adds ecs-init's defaults). */
  agentEnvironment?: Record<string, string>;
  agentVersion?: HostView['agentVersion'];
}

/** One mini host for the tests of a spec file or describe block (created before the first, destroyed after the last). */
export function useMiniHost(options: MiniHostOptions = {}): () => MiniHost {
  return useResource('the mini host', () => createMiniHost(options));
}

export async function createMiniHost(options: MiniHostOptions = {}): Promise<MiniHost> {
  const suffix = randomBytes(3).toString('hex');
  const netns = `ltr-${suffix}`;
  const uplinkRoot = `lu${suffix}`;
  const [rootAddress, instanceAddress] = await freeUplinkPair();
  const dir = await mkdtemp(join(tmpdir(), `mini-host-${suffix}-`));
  const cleanups: Array<() => Promise<unknown>> = [() => rm(dir, { recursive: true, force: true })];
  const destroy = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    await run('ip', ['netns', 'add', netns]);
    cleanups.push(async () => {
      const pids = await execa('ip', ['netns', 'pids', netns], { reject: false });
      for (const pid of pids.stdout.split('\n').filter(Boolean)) await execa('kill', ['-9', pid], { reject: false });
      await execa('ip', ['netns', 'del', netns], { reject: false });
      await execa('ip', ['link', 'del', uplinkRoot], { reject: false });
    });
    const inNs = (file: string, args: readonly string[], inputLines?: readonly string[]) =>
      run('ip', ['netns', 'exec', netns, file, ...args], inputLines);
    await run('ip', ['link', 'add', uplinkRoot, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
    await run('ip', ['addr', 'add', `${rootAddress}/30`, 'dev', uplinkRoot]);
    await run('ip', ['link', 'set', uplinkRoot, 'up']);
    await inNs(
      'ip',
      ['-batch', '-'],
      [
        'link set lo up',
        `addr add ${instanceAddress}/30 dev eth0`,
        'link set eth0 up',
        `link add docker0 address ${bridgeMac()} type bridge`,
        'addr add 198.18.200.1/24 dev docker0',
        'link set docker0 up',
        'addr add 169.254.169.254/32 dev lo',
        'route add 169.254.170.2/32 dev docker0',
      ],
    );
    for (const setting of ['net.ipv4.ip_forward=1', 'net.ipv4.conf.all.route_localnet=1']) {
      await inNs('sysctl', ['-qw', setting]);
    }
    // ecs-init's rules (ecs-init/exec/iptables) and Docker's masquerade for the bridge subnet.
    await inNs(
      'iptables-restore',
      [],
      [
        '*nat',
        '-A PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
        '-A OUTPUT -p tcp -d 169.254.170.2 --dport 80 -j REDIRECT --to-ports 51679',
        '-A POSTROUTING -s 198.18.200.0/24 ! -o docker0 -j MASQUERADE',
        'COMMIT',
      ],
    );

    const moto = await startPlainMoto(rootAddress);
    cleanups.push(() => moto.stop());
    const aws = {
      endpoint: moto.endpoint,
      region: REGION,
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDLABTEST', secretAccessKey: 'lab' },
    };
    const clusterName = `lab-${suffix}`;
    await new ECSClient(aws).send(new CreateClusterCommand({ clusterName }));
    const iam = new IAMClient(aws);
    const instanceRoleName = `lab-instance-role-${suffix}`;
    const instanceRole = await iam.send(
      new CreateRoleCommand({
        RoleName: instanceRoleName,
        AssumeRolePolicyDocument: serviceTrust('ec2.amazonaws.com'),
      }),
    );
    const taskRole = await iam.send(
      new CreateRoleCommand({
        RoleName: `lab-task-role-${suffix}`,
        AssumeRolePolicyDocument: serviceTrust('ecs-tasks.amazonaws.com'),
      }),
    );
    const reservation = await new EC2Client(aws).send(
      new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }),
    );
    const instanceId = reservation.Instances?.[0]?.InstanceId ?? '';
    const assumed = await new STSClient(aws).send(
      new AssumeRoleCommand({ RoleArn: instanceRole.Role?.Arn, RoleSessionName: instanceId, DurationSeconds: 3600 }),
    );
    const identity: FakeImdsIdentity = {
      document: {
        instanceId,
        region: REGION,
        availabilityZone: `${REGION}a`,
        accountId: ACCOUNT,
        imageId: 'ami-12c6146b',
        instanceType: 't3.micro',
        privateIp: instanceAddress,
      },
      roleName: instanceRoleName,
      credentials: {
        AccessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        SecretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
        Token: assumed.Credentials?.SessionToken ?? '',
        Expiration: assumed.Credentials?.Expiration?.toISOString() ?? '',
      },
    };
    const identityFile = join(dir, 'imds-identity.json');
    await writeFile(identityFile, JSON.stringify(identity), { mode: 0o600 });
    const imds: ResultPromise = execa(
      'ip',
      ['netns', 'exec', netns, process.execPath, join(here, 'fake-imds.ts'), '169.254.169.254', '80', identityFile],
      {
        reject: false,
        buffer: false,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    cleanups.push(async () => {
      imds.kill('SIGKILL');
      await imds;
    });
    await new Promise<void>((resolve, reject) => {
      imds.stdout?.once('data', () => resolve());
      imds.then(() => reject(new Error('fake IMDS exited')));
    });

    const rootDir = join(dir, 'root');
    await mkdir(join(rootDir, 'var/log/ecs'), { recursive: true });
    let nextAddress = 2;
    const host: HostView = {
      instanceId,
      netns,
      rootDir,
      taskBridge: { name: 'docker0', gateway: '198.18.200.1', prefixLength: 24 },
      allocateTaskAddress: () => `198.18.200.${nextAddress++}`,
      releaseTaskAddress: () => undefined,
      controlPlaneEndpoint: moto.endpoint,
      region: REGION,
      agentEnvironment: options.agentEnvironment ?? {},
      agentVersion: options.agentVersion ?? '1.101.2',
    };
    return {
      host,
      moto,
      serviceIdentity: { accessKeyId: 'AKIDLABECSSERVICE', secretAccessKey: 'lab' },
      clusterName,
      taskRoleArn: taskRole.Role?.Arn ?? '',
      instanceRoleName,
      dir,
      exec: (file, args) => execa('ip', ['netns', 'exec', netns, file, ...args], { reject: false }),
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}

async function run(file: string, args: readonly string[], inputLines?: readonly string[]): Promise<void> {
  await execa(file, args, inputLines ? { input: `${inputLines.join('\n')}\n` } : {});
}

/** A /30 in 198.19.128.0/17 that no root-namespace interface uses yet (other engineers' labs run here too). */
async function freeUplinkPair(): Promise<[string, string]> {
  const used = (await execa('ip', ['-4', '-o', 'addr'])).stdout;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const third = 128 + Math.floor(Math.random() * 128);
    const base = Math.floor(Math.random() * 64) * 4;
    const prefix = `198.19.${third}.`;
    if (!used.includes(`${prefix}${base + 1}/`) && !used.includes(`${prefix}${base + 2}/`)) {
      return [`${prefix}${base + 1}`, `${prefix}${base + 2}`];
    }
  }
  throw new Error('no free uplink /30 in 198.19.128.0/17');
}
