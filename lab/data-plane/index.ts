/**
 * The lab's data plane: watches the control plane for the EC2 instances the harness launched (tag
 * `ecs-taskrole:run`), boots each on this machine (host simulator + lab ECS agent) and tears it down when
 * it is stopped or terminated. Instances reach the control plane on the lab bridge through a TCP relay.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DescribeInstanceAttributeCommand,
  EC2Client,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { settleAll } from '../../infra/promises/settle-all.ts';
import { credentialsOf, type LabIdentities } from '../control-plane/identities.ts';
import { ensureClients } from '../images/clients.ts';
import { buildImageRoots, loadImageRoots } from '../images/image-roots.ts';
import { labConcurrentBoots } from '../system/lab-workers.ts';
import type { AgentEvent } from './agent/agent.ts';
import { buildAgentBundle } from './agent/agent-bundle.ts';
import type { StateChangeMode } from './agent/ecs-backend.ts';
import { createLabAgentLauncher } from './agent/launcher.ts';
import type { SdkCredentials } from './agent/net/instance-credentials.ts';
import type { AgentLauncher } from './contracts.ts';
import { AmiProfileResolver } from './fleet/ami-profile.ts';
import { startFleet } from './fleet/fleet.ts';
import { endAfterInternalError } from './fleet/internal-error.ts';
import { instanceProfileRoleArn, type LaunchedInstance, userDataOf } from './fleet/launched-instances.ts';
import { forwardTcp, type TcpForwarder } from './fleet/tcp-forwarder.ts';
import { bootHost } from './host/boot-host.ts';
import type { InstanceHandle } from './host/host-spec.ts';
import { createLabNetwork, type LabNetwork, type LabNetworkOptions } from './network/lab-network.ts';
import { newLabPrefix } from './network/naming.ts';
import type { AgentVersion } from './real-agent/agent-versions.ts';
import { createRealAgentLauncher, EngineSeedFailed } from './real-agent/real-agent-launcher.ts';
import { buildTaskImages, type TaskImage } from './real-agent/task-images.ts';
import { type AssumeRoleAs, instanceRoleCredentials, stsAssumeRole, taskRoleCredentials } from './role-credentials.ts';

export type { AssumedRole } from './role-credentials.ts';

/** What the data plane needs from the control plane (its lab state holds these). */
export interface DataPlaneControlPlane {
  /** The control plane's endpoint as this process reaches it (e.g. http://127.0.0.1:4566). */
  endpoint: string;
  region: string;
  /** An identity allowed to read EC2, IAM instance profiles and SSM parameters. */
  reader: SdkCredentials;
  /** The lab's ECS-service identity: stands in for ACS and assumes task roles. */
  serviceIdentity: SdkCredentials;
  /** Stands in for EC2 ending an instance that shut itself down; default: the reader. */
  ec2Service?: SdkCredentials;
  /**
   * The control plane's `assumeRoleAs(principal, roleArn, sessionName)`: assumes a role as the AWS service
   * principal (`ecs-tasks`, `ec2`) with the trust policy enforced; a refusal rejects with an error whose
   * `$metadata.httpStatusCode` (or `status`) is 4xx. Without it the reader calls sts:AssumeRole (plain moto).
   */
  assumeRoleAs?: AssumeRoleAs;
  /** `submit` when the control plane implements SubmitTaskStateChange; `stop-task` for a plain moto. */
  stateChange: StateChangeMode;
}

export interface DataPlaneOptions {
  /**
   * The control plane's pieces (`labControlPlane` for the lab's own). While it is still starting, the
   * network, the image roots and the agents' program are made meanwhile.
   */
  controlPlane: DataPlaneControlPlane | Promise<DataPlaneControlPlane>;
  /** Called once the lab network exists (before the control plane is awaited): members that need only it start here. */
  onNetwork?: (lab: LabNetwork) => void;
  /** How often the instance list is read (ms). */
  pollIntervalMs?: number;
  network?: LabNetworkOptions;
  log?: (line: string) => void;
  onAgentEvent?: (instanceId: string, event: AgentEvent) => void;
  /**
   * Where each instance's console is kept as `<instance id>.log`, for the control plane's GetConsoleOutput
   * (moto-lab/lab_ec2.py reads it; `lab up` names the same folder to both). Default: in the instance's own folder.
   */
  consoleDir?: string;
  /** Where `log`'s lines end up (a file), named in failures that send the reader there. */
  logFile?: string;
  /**
   * Which ECS agent the instances run: the lab's model (default) or the real agent of a version the lab
   * builds, in a real Docker engine per instance (real-agent/real-agent-launcher.ts).
   */
  labAgent?: LabAgentChoice;
}

export type LabAgentChoice = { kind: 'model' } | { kind: 'real'; version: AgentVersion };

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

/** What the data plane needs to know of the lab's control plane (`lab up` has it in its state). */
export interface LabControlPlane {
  endpoint: string;
  region: string;
  identities: Pick<LabIdentities, 'dataPlane' | 'ecsService' | 'ec2Service'>;
}

/**
 * The control plane `lab up` started: its endpoint and the lab's identities. Task and instance roles are
 * assumed by the lab's service users, so the lab's moto (moto-lab/lab_policy.py) enforces their trust policies.
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
    ec2Service: credentialsOf(ec2Service),
    assumeRoleAs: (principal, roleArn, sessionName) =>
      (principal === 'ecs-tasks' ? asEcsTasks : asEc2)(principal, roleArn, sessionName),
    stateChange: 'submit',
  };
}

export async function startDataPlane(options: DataPlaneOptions): Promise<DataPlane> {
  const log = options.log ?? (() => {});
  // A control plane that fails while the network is still being made (`lab up` gone) is read by settleAll
  // below; until then its rejection must not count as unhandled, which would end the process before the
  // network it made is removed.
  Promise.resolve(options.controlPlane).catch(() => {});
  await ensureClients(log);
  // Named in the log before anything carries it: whoever reads the log finds what this data plane made
  // (and anything it left) by this prefix alone, whatever other labs run beside it.
  const prefix = options.network?.prefix ?? newLabPrefix();
  log(`data plane: lab network ${prefix}`);
  // What needs no control plane comes first: a control plane still starting is awaited beside it.
  const lab = await createLabNetwork({ ...options.network, prefix });
  options.onNetwork?.(lab);
  let relay: TcpForwarder | undefined;
  try {
    // Settled, not raced: nothing may still be writing into the lab's folder when a failure removes it.
    const [controlPlane, images, agentProgram, maxConcurrentBoots] = await settleAll([
      options.controlPlane,
      buildImageRoots(join(lab.dir, 'images')),
      buildAgentBundle(join(lab.dir, 'agent')),
      labConcurrentBoots(),
    ] as const);
    const target = new URL(controlPlane.endpoint);
    relay = await forwardTcp(
      { host: lab.controlPlaneAddress, port: Number(target.port || 80) },
      { host: target.hostname, port: Number(target.port || 80) },
    );
    return await startFleetOn(lab, relay, { ...options, controlPlane, maxConcurrentBoots }, images.dir, agentProgram);
  } catch (error) {
    await relay?.close();
    await lab.close();
    throw error;
  }
}

/** What the real agent's launcher is given by the data plane. */
interface RealAgentContext {
  lab: LabNetwork;
  imagesDir: string;
  version: AgentVersion;
  log: (line: string) => void;
  logFile: string | undefined;
  /** EC2 ends an instance the lab could not start (fleet/internal-error.ts). */
  endAfterInternalError: (instanceId: string, why: string) => Promise<void>;
}

/**
 * The real agent's launcher; its build, images and engine seed are begun now, while instances boot. An
 * instance whose start fails for want of the seed is ended by EC2 with an internal error, so its cells
 * learn it at once (the harness stops waiting for an instance that terminated).
 */
function realAgentLauncher(context: RealAgentContext): AgentLauncher {
  const { lab, imagesDir, log } = context;
  let taskImages: Promise<TaskImage[]> | undefined;
  const real = createRealAgentLauncher({
    version: context.version,
    enginesDir: join(lab.dir, 'd'),
    seedNetns: lab.names.vpcNetns,
    taskImages: () => {
      taskImages ??= buildTaskImages(loadImageRoots(imagesDir), join(lab.dir, 'task-images'));
      return taskImages;
    },
    log,
    ...(context.logFile ? { logFile: context.logFile } : {}),
  });
  real.prepare().catch((error: unknown) => log(`real agent: preparing its engines failed: ${String(error)}`));
  return (view) =>
    real.launch(view).catch(async (error: unknown) => {
      if (error instanceof EngineSeedFailed) {
        log(`data plane: ${view.instanceId} cannot start its agent without the seed; EC2 terminates it`);
        await context
          .endAfterInternalError(view.instanceId, error.message)
          .catch((ending: unknown) => log(`data plane: ending ${view.instanceId} failed: ${String(ending)}`));
      }
      throw error;
    });
}

/** The clients, the agents' launcher and the fleet, once the network and the control plane are there. */
async function startFleetOn(
  lab: LabNetwork,
  relay: TcpForwarder,
  options: DataPlaneOptions & { controlPlane: DataPlaneControlPlane; maxConcurrentBoots: number },
  imagesDir: string,
  agentProgram: string,
): Promise<DataPlane> {
  const { controlPlane } = options;
  const log = options.log ?? (() => {});
  const clients = dataPlaneClients(controlPlane);
  const assumeRoleAs = controlPlane.assumeRoleAs ?? stsAssumeRole(clients.sts);
  const accountId = (await clients.sts.send(new GetCallerIdentityCommand({}))).Account ?? '123456789012';
  const consoleDir = options.consoleDir;
  if (consoleDir) await mkdir(consoleDir, { recursive: true, mode: 0o700 });
  const boot: BootContext = {
    lab,
    controlPlane,
    clients,
    amiProfiles: new AmiProfileResolver(clients.ssm, clients.ec2),
    relayPort: relay.port,
    assumeRoleAs,
    accountId,
    consoleDir,
    launchAgent: agentLauncherFor(lab, options, imagesDir, agentProgram, assumeRoleAs, {
      log,
      endAfterInternalError: (instanceId, why) =>
        endAfterInternalError(clients.ec2AsService, consoleDir, instanceId, why),
    }),
    instanceShutDown: powerOffBehaviour(clients, log),
    log,
  };
  const fleet = startFleet({
    ec2: clients.ec2,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    maxConcurrentBoots: options.maxConcurrentBoots,
    log,
    boot: (instance) => bootInstance(boot, instance),
  });

  return {
    lab,
    endpointForInstances: `http://${lab.controlPlaneAddress}:${relay.port}`,
    instances: fleet.instances,
    failures: fleet.failures,
    waitForInstance: (instanceId, timeoutMs) => fleet.waitForInstance(instanceId, timeoutMs),
    async stop() {
      await fleet.stop();
      await relay.close();
      await lab.close();
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

type DataPlaneClients = ReturnType<typeof dataPlaneClients>;

/** The data plane's SDK clients on the control plane, as its reader (EC2 ending instances: as the EC2 service). */
function dataPlaneClients(controlPlane: DataPlaneControlPlane) {
  const aws = { endpoint: controlPlane.endpoint, region: controlPlane.region, maxAttempts: 2 };
  return {
    ec2: new EC2Client({ ...aws, credentials: controlPlane.reader }),
    ec2AsService: new EC2Client({ ...aws, credentials: controlPlane.ec2Service ?? controlPlane.reader }),
    iam: new IAMClient({ ...aws, credentials: controlPlane.reader }),
    ssm: new SSMClient({ ...aws, credentials: controlPlane.reader }),
    sts: new STSClient({ ...aws, credentials: controlPlane.reader }),
  };
}

/** What EC2 does when an instance powers itself off: its InstanceInitiatedShutdownBehavior (default stop). */
function powerOffBehaviour(clients: DataPlaneClients, log: (line: string) => void) {
  return async (instanceId: string) => {
    const attribute = await clients.ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'instanceInitiatedShutdownBehavior' }),
    );
    const terminate = attribute.InstanceInitiatedShutdownBehavior?.Value === 'terminate';
    log(`data plane: ${instanceId} shut itself down; EC2 ${terminate ? 'terminates' : 'stops'} it`);
    await clients.ec2AsService.send(
      terminate
        ? new TerminateInstancesCommand({ InstanceIds: [instanceId] })
        : new StopInstancesCommand({ InstanceIds: [instanceId] }),
    );
  };
}

/** The lab's model agent, or the real one when the options ask for it. */
function agentLauncherFor(
  lab: LabNetwork,
  options: DataPlaneOptions & { controlPlane: DataPlaneControlPlane },
  imagesDir: string,
  agentProgram: string,
  assumeRoleAs: AssumeRoleAs,
  fleet: Pick<RealAgentContext, 'log' | 'endAfterInternalError'>,
): AgentLauncher {
  const { controlPlane } = options;
  const modelAgent = createLabAgentLauncher({
    serviceIdentity: controlPlane.serviceIdentity,
    stateChange: controlPlane.stateChange,
    imagesDir,
    pollIntervalMs: 250,
    program: agentProgram,
    issueTaskRoleCredentials: async (roleArn, sessionName) => taskRoleCredentials(assumeRoleAs, roleArn, sessionName),
    onEvent: (host, event) => options.onAgentEvent?.(host.instanceId, event),
  });
  return options.labAgent?.kind === 'real'
    ? realAgentLauncher({ ...fleet, lab, imagesDir, version: options.labAgent.version, logFile: options.logFile })
    : modelAgent;
}

/** What every boot shares: the lab, the control plane and its clients, the agents' launcher. */
interface BootContext {
  lab: LabNetwork;
  controlPlane: DataPlaneControlPlane;
  clients: DataPlaneClients;
  amiProfiles: AmiProfileResolver;
  relayPort: number;
  assumeRoleAs: AssumeRoleAs;
  accountId: string;
  consoleDir: string | undefined;
  launchAgent: AgentLauncher;
  instanceShutDown: (instanceId: string) => Promise<void>;
  log: (line: string) => void;
}

/** Boots one launched instance: its user data, instance role and AMI profile, read from the control plane. */
async function bootInstance(context: BootContext, instance: LaunchedInstance): Promise<InstanceHandle> {
  const { lab, clients, log, consoleDir } = context;
  const [userData, roleArn, ami] = await Promise.all([
    userDataOf(clients.ec2, instance.instanceId),
    instanceProfileRoleArn(clients.iam, instance.instanceProfileArn),
    context.amiProfiles.profileFor(instance.imageId),
  ]);
  log(`data plane: booting ${instance.instanceId} (${ami.profile}: ${ami.how})`);
  return bootHost(lab, {
    instanceId: instance.instanceId,
    amiProfile: ami.profile,
    userData,
    region: context.controlPlane.region,
    controlPlane: { host: lab.controlPlaneAddress, port: context.relayPort },
    imdsCredentials: instanceRoleCredentials(context.assumeRoleAs, roleArn, instance.instanceId),
    launchAgent: context.launchAgent,
    onPowerOff: () =>
      context
        .instanceShutDown(instance.instanceId)
        .catch((error: unknown) =>
          log(`data plane: ending ${instance.instanceId} after its shutdown failed: ${String(error)}`),
        ),
    accountId: context.accountId,
    imageId: instance.imageId,
    ...(consoleDir ? { consoleLog: join(consoleDir, `${instance.instanceId}.log`) } : {}),
    ...(instance.instanceType ? { instanceType: instance.instanceType } : {}),
    ...(instance.availabilityZone ? { availabilityZone: instance.availabilityZone } : {}),
    ...(instance.primaryInterface ? { primaryInterface: instance.primaryInterface } : {}),
    imds: {
      ...(instance.httpTokens ? { httpTokens: instance.httpTokens } : {}),
      ...(instance.httpPutResponseHopLimit ? { httpPutResponseHopLimit: instance.httpPutResponseHopLimit } : {}),
    },
  });
}
