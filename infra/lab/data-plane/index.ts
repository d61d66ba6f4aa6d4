/**
 * The lab's data plane: watches the control plane for the EC2 instances the harness launched (tag
 * `ecs-taskrole:run`), boots each on this machine (host simulator + lab ECS agent) and tears it down when
 * it is stopped or terminated. Instances reach the control plane on the lab bridge through a TCP relay.
 */
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { credentialsOf, type LabIdentities } from '../control-plane/identities.ts';
import { ensureClients } from '../images/clients.ts';
import { buildImageRoots } from '../images/image-roots.ts';
import type { AgentEvent } from './agent/agent.ts';
import type { RoleCredentials } from './agent/credentials/credentials-store.ts';
import { RoleNotAssumableError, type StateChangeMode } from './agent/ecs-backend.ts';
import { AmiProfileResolver } from './agent/fleet/ami-profile.ts';
import {
  instanceProfileRoleArn,
  type LaunchedInstance,
  launchedInstances,
  RUNNING_STATES,
  userDataOf,
} from './agent/fleet/launched-instances.ts';
import { forwardTcp, type TcpForwarder } from './agent/fleet/tcp-forwarder.ts';
import { createLabAgentLauncher } from './agent/launcher.ts';
import type { SdkCredentials } from './agent/net/instance-credentials.ts';
import { bootHost } from './host/boot-host.ts';
import type { ImdsCredentials, InstanceHandle } from './host/host-spec.ts';
import { createLabNetwork, type LabNetwork, type LabNetworkOptions } from './network/lab-network.ts';

export { RUN_TAG_KEY } from './agent/fleet/launched-instances.ts';

export interface AssumedRole {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** What the data plane needs from the control plane (its lab state holds these). */
export interface DataPlaneControlPlane {
  /** The control plane's endpoint as this process reaches it (e.g. http://127.0.0.1:4566). */
  endpoint: string;
  region: string;
  /** An identity allowed to read EC2, IAM instance profiles and SSM parameters. */
  reader: SdkCredentials;
  /** The lab's ECS-service identity: stands in for ACS and assumes task roles. */
  serviceIdentity: SdkCredentials;
  /**
   * The control plane's `assumeRoleAs(principal, roleArn, sessionName)`: assumes a role as the AWS service
   * principal (`ecs-tasks`, `ec2`) with the trust policy enforced; a refusal rejects with an error whose
   * `$metadata.httpStatusCode` (or `status`) is 4xx. Without it the reader calls sts:AssumeRole (plain moto).
   */
  assumeRoleAs?: (principal: 'ecs-tasks' | 'ec2', roleArn: string, sessionName: string) => Promise<AssumedRole>;
  /** `submit` when the control plane implements SubmitTaskStateChange; `stop-task` for a plain moto. */
  stateChange: StateChangeMode;
}

export interface DataPlaneOptions {
  /** The control plane's pieces (`labControlPlane` for the lab's own). */
  controlPlane: DataPlaneControlPlane;
  /** How often the instance list is read (ms). */
  pollIntervalMs?: number;
  network?: LabNetworkOptions;
  log?: (line: string) => void;
  onAgentEvent?: (instanceId: string, event: AgentEvent) => void;
}

export interface DataPlane {
  lab: LabNetwork;
  /** The control plane as instances and their tasks reach it: use it for AWS_ENDPOINT_URL in task definitions. */
  endpointForInstances: string;
  /** Booted instances by id. */
  instances: ReadonlyMap<string, InstanceHandle>;
  /** Resolves once the instance booted (its agent may still be registering). */
  waitForInstance(instanceId: string, timeoutMs?: number): Promise<InstanceHandle>;
  /** Instances that failed to boot, with the reason. */
  failures: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

const IMDS_CREDENTIALS_EARLY_REFRESH_MS = 15 * 60_000;

/** What the data plane needs to know of the lab's control plane (`lab up` has it in its state). */
export interface LabControlPlane {
  endpoint: string;
  region: string;
  identities: Pick<LabIdentities, 'dataPlane' | 'ecsService' | 'ec2Service'>;
}

/**
 * The control plane `lab up` started: its endpoint and the lab's identities. Task and instance roles are
 * assumed by the lab's service users, so moto_lab.py enforces their trust policies.
 */
export function labControlPlane(state: LabControlPlane): DataPlaneControlPlane {
  const { dataPlane, ecsService, ec2Service } = state.identities;
  const stsAs = (identity: typeof ecsService) =>
    stsAssumeRole(
      new STSClient({
        endpoint: state.endpoint,
        region: state.region,
        maxAttempts: 1,
        credentials: credentialsOf(identity),
      }),
    );
  const asEcsTasks = stsAs(ecsService);
  const asEc2 = stsAs(ec2Service);
  return {
    endpoint: state.endpoint,
    region: state.region,
    reader: credentialsOf(dataPlane),
    serviceIdentity: credentialsOf(ecsService),
    assumeRoleAs: (principal, roleArn, sessionName) =>
      (principal === 'ecs-tasks' ? asEcsTasks : asEc2)(principal, roleArn, sessionName),
    stateChange: 'submit',
  };
}

export async function startDataPlane(options: DataPlaneOptions): Promise<DataPlane> {
  const controlPlane = options.controlPlane;
  const log = options.log ?? (() => {});
  await ensureClients(log);
  const aws = { endpoint: controlPlane.endpoint, region: controlPlane.region, maxAttempts: 2 };
  const ec2 = new EC2Client({ ...aws, credentials: controlPlane.reader });
  const iam = new IAMClient({ ...aws, credentials: controlPlane.reader });
  const ssm = new SSMClient({ ...aws, credentials: controlPlane.reader });
  const sts = new STSClient({ ...aws, credentials: controlPlane.reader });
  const assumeRoleAs = controlPlane.assumeRoleAs ?? stsAssumeRole(sts);
  const accountId = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '123456789012';
  const amiProfiles = new AmiProfileResolver(ssm, ec2);

  const lab = await createLabNetwork(options.network);
  let relay: TcpForwarder | undefined;
  try {
    const target = new URL(controlPlane.endpoint);
    relay = await forwardTcp(
      { host: lab.controlPlaneAddress, port: Number(target.port || 80) },
      { host: target.hostname, port: Number(target.port || 80) },
    );
  } catch (error) {
    await lab.close();
    throw error;
  }
  const relayPort = relay.port;
  const images = await buildImageRoots(join(lab.dir, 'images'));
  const launchAgent = createLabAgentLauncher({
    serviceIdentity: controlPlane.serviceIdentity,
    stateChange: controlPlane.stateChange,
    imagesDir: images.dir,
    pollIntervalMs: 250,
    issueTaskRoleCredentials: async (roleArn, sessionName) => taskRoleCredentials(assumeRoleAs, roleArn, sessionName),
    onEvent: (host, event) => options.onAgentEvent?.(host.instanceId, event),
  });

  const instances = new Map<string, InstanceHandle>();
  const booting = new Map<string, Promise<void>>();
  const failures = new Map<string, string>();
  const rebootsSeen = new Map<string, number>();
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  const boot = async (instance: LaunchedInstance) => {
    try {
      const [userData, roleArn, ami] = await Promise.all([
        userDataOf(ec2, instance.instanceId),
        instanceProfileRoleArn(iam, instance.instanceProfileArn),
        amiProfiles.profileFor(instance.imageId),
      ]);
      log(`data plane: booting ${instance.instanceId} (${ami.profile}: ${ami.how})`);
      const handle = await bootHost(lab, {
        instanceId: instance.instanceId,
        amiProfile: ami.profile,
        userData,
        region: controlPlane.region,
        controlPlane: { host: lab.controlPlaneAddress, port: relayPort },
        imdsCredentials: instanceRoleCredentials(assumeRoleAs, roleArn, instance.instanceId),
        launchAgent,
        accountId,
        imageId: instance.imageId,
        ...(instance.instanceType ? { instanceType: instance.instanceType } : {}),
        ...(instance.availabilityZone ? { availabilityZone: instance.availabilityZone } : {}),
        imds: {
          ...(instance.httpTokens ? { httpTokens: instance.httpTokens } : {}),
          ...(instance.httpPutResponseHopLimit ? { httpPutResponseHopLimit: instance.httpPutResponseHopLimit } : {}),
        },
      });
      instances.set(instance.instanceId, handle);
      log(`data plane: ${instance.instanceId} booted`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.set(instance.instanceId, reason);
      log(`data plane: ${instance.instanceId} failed to boot: ${reason}`);
    } finally {
      booting.delete(instance.instanceId);
      notify();
    }
  };

  const reconcile = async () => {
    const launched = await launchedInstances(ec2);
    const wanted = new Set(launched.filter((i) => RUNNING_STATES.has(i.state)).map((i) => i.instanceId));
    for (const instance of launched) {
      const id = instance.instanceId;
      if (wanted.has(id) && !instances.has(id) && !booting.has(id) && !failures.has(id)) {
        rebootsSeen.set(id, instance.reboots);
        booting.set(id, boot(instance));
      }
      const handle = instances.get(id);
      if (handle && wanted.has(id) && instance.reboots > (rebootsSeen.get(id) ?? 0)) {
        rebootsSeen.set(id, instance.reboots);
        log(`data plane: ${id} rebooted (RebootInstances)`);
        await handle.reboot().catch((error: unknown) => log(`data plane: reboot of ${id} failed: ${String(error)}`));
      }
    }
    for (const [id, handle] of instances) {
      if (wanted.has(id)) continue;
      instances.delete(id);
      log(`data plane: ${id} is no longer running; shutting it down`);
      await handle.shutdown().catch((error: unknown) => log(`data plane: shutdown of ${id} failed: ${String(error)}`));
    }
  };

  let stopping = false;
  let wake: () => void = () => {};
  const loop = (async () => {
    let failuresInARow = 0;
    while (!stopping) {
      try {
        await reconcile();
        failuresInARow = 0;
      } catch (error) {
        failuresInARow += 1;
        if (failuresInARow <= 3 || failuresInARow % 60 === 0)
          log(`data plane: reading instances failed: ${String(error)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollIntervalMs ?? 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    lab,
    endpointForInstances: `http://${lab.controlPlaneAddress}:${relayPort}`,
    instances,
    failures,
    waitForInstance(instanceId, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const handle = instances.get(instanceId);
          const failure = failures.get(instanceId);
          if (!handle && !failure) return;
          waiters.delete(check);
          clearTimeout(timer);
          if (handle) resolve(handle);
          else reject(new Error(`instance ${instanceId} failed to boot: ${failure}`));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`instance ${instanceId} did not boot within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        wake();
        check();
      });
    },
    async stop() {
      stopping = true;
      wake();
      await loop;
      await Promise.all(booting.values());
      for (const handle of instances.values()) await handle.shutdown().catch(() => undefined);
      instances.clear();
      await relay?.close();
      await lab.close();
      for (const client of [ec2, iam, ssm, sts]) client.destroy();
    },
  };
}

/** IMDS serves the instance profile role's credentials, assumed as EC2 and cached until near expiry. */
function instanceRoleCredentials(
  assumeRoleAs: NonNullable<DataPlaneControlPlane['assumeRoleAs']>,
  roleArn: string | undefined,
  instanceId: string,
): () => Promise<ImdsCredentials | undefined> {
  let cached: ImdsCredentials | undefined;
  return async () => {
    if (!roleArn) return undefined;
    const expiresAt = cached ? new Date(cached.expiration).getTime() : 0;
    if (!cached || expiresAt - Date.now() < IMDS_CREDENTIALS_EARLY_REFRESH_MS) {
      const assumed = await assumeRoleAs('ec2', roleArn, instanceId);
      cached = { roleName: roleArn.split('/').pop() ?? roleArn, ...assumed };
    }
    return cached;
  };
}

/** The ECS service's AssumeRole of a task role; a 4xx refusal becomes ECS's "unable to assume" stop. */
async function taskRoleCredentials(
  assumeRoleAs: NonNullable<DataPlaneControlPlane['assumeRoleAs']>,
  roleArn: string,
  sessionName: string,
): Promise<RoleCredentials> {
  try {
    const assumed = await assumeRoleAs('ecs-tasks', roleArn, sessionName);
    return {
      RoleArn: roleArn,
      AccessKeyId: assumed.accessKeyId,
      SecretAccessKey: assumed.secretAccessKey,
      Token: assumed.sessionToken,
      Expiration: assumed.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  } catch (error) {
    const status =
      (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ??
      (error as { status?: number }).status ??
      0;
    if (status >= 400 && status < 500) throw new RoleNotAssumableError(roleArn, { cause: error });
    throw error;
  }
}

/** sts:AssumeRole as the client's identity (without `assumeRoleAs`, a plain moto: the reader's). */
function stsAssumeRole(sts: STSClient): NonNullable<DataPlaneControlPlane['assumeRoleAs']> {
  return async (_principal, roleArn, sessionName) => {
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) {
      throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration ?? new Date(Date.now() + 3_600_000),
    };
  };
}
