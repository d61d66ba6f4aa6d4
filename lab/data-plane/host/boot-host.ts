import { appendFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { BadInputError } from '../../../core/errors.ts';
import { DEFAULT_BASELINE } from '../../../core/matrix/dimensions.ts';
import type { HostView } from '../contracts.ts';
import {
  type AddressPool,
  TASK_BRIDGE_GATEWAY,
  TASK_BRIDGE_NAME,
  TASK_BRIDGE_PREFIX_LENGTH,
  taskAddressPool,
} from '../network/addresses.ts';
import { run } from '../network/commands.ts';
import type { LabNetwork } from '../network/lab-network.ts';
import { deleteNetns } from '../network/netns.ts';
import type { ImdsInstance } from '../network/vpc/instance-metadata.ts';
import { AMI_PROFILES, type AmiProfile, isAmiProfileName } from './ami-profiles.ts';
import { HostServices } from './host-services.ts';
import type { HostSpec, InstanceHandle } from './host-spec.ts';
import { createInstanceDisk, type InstancePaths, instancePaths } from './instance-files.ts';
import { type InstanceInit, startInstanceInit } from './instance-init.ts';
import { createInstanceNetwork } from './instance-network.ts';
import { powerControl } from './shims/power.ts';
import { absentCommands, shadowedCommands, shimHandlers } from './shims/registry.ts';
import { writeShims } from './shims/shim-scripts.ts';
import { startShimServer } from './shims/shim-server.ts';
import { type TaskEniAttacher, taskEniAttacher } from './task-eni.ts';
import { parseUserData, type UserDataPart } from './user-data.ts';

const USER_DATA_TIMEOUT_MS = 10 * 60_000;

/**
 * Boots one simulated EC2 instance of a lab: its network namespace on the lab bridge, IMDS registration,
 * its own disk (overlays over /etc, /var, …) and init process, then the boot sequence of its AMI:
 * saved iptables rules (iptables service) → boothooks → docker → user data scripts (first boot only) →
 * `ecs` (ecs-init: rules, then the agent via `launchAgent`) and restartable agent containers.
 */
export async function bootHost(lab: LabNetwork, spec: HostSpec): Promise<InstanceHandle> {
  validate(spec);
  const machine = await createMachine(lab, spec);
  const { profile, paths, log } = machine;
  // shutdown/poweroff/halt from inside: EC2 answers per InstanceInitiatedShutdownBehavior (onPowerOff);
  // without a control plane to tell, the host simply goes away.
  const power = powerControl({
    log,
    powerOff: () =>
      void Promise.resolve(spec.onPowerOff ? spec.onPowerOff() : handle.shutdown()).catch(() => undefined),
  });
  const handlers = { ...shimHandlers(profile), ...power.handlers };
  await writeShims(paths.shimDir, paths.controlSocket, Object.keys(handlers), absentCommands(profile));

  const enis = taskEniAttacher(lab, { netns: machine.netns, privateIp: machine.slot.address });
  const baseView = hostBaseView(machine, enis);
  const services = await loadServices(machine, baseView);
  const shimServer = await startShimServer({ socket: paths.controlSocket, handlers, services, log });
  await lab.imds.register(imdsInstanceOf(spec, profile, machine.slot.address));

  const inTurn = takingTurns();
  const powerOff = async () => {
    power.cancel();
    await powerOffMachine(machine, services, enis);
  };
  let untrack: () => void = () => undefined;
  let shutdown: Promise<void> | undefined;
  const handle = instanceHandle(machine, baseView, services, {
    reboot: () =>
      inTurn(async () => {
        log('reboot: requested');
        await powerOff();
        await powerOnMachine(machine, services, false);
      }),
    shutdown: () => {
      shutdown ??= (async () => {
        log('shutdown: requested');
        await inTurn(powerOff);
        await shimServer.close();
        await lab.imds.unregister(machine.slot.address);
        lab.releaseInstanceSlot(machine.slot);
        untrack();
        await rm(paths.dir, { recursive: true, force: true });
      })();
      return shutdown;
    },
  });
  untrack = lab.track(handle);

  try {
    await inTurn(() => powerOnMachine(machine, services, true));
  } catch (error) {
    await handle.shutdown().catch(() => undefined);
    throw error;
  }
  return handle;
}

/** One instance across its boots: what stays (slot, disk, names, user data) and what each power-on renews. */
interface Machine {
  readonly lab: LabNetwork;
  readonly spec: HostSpec;
  readonly profile: AmiProfile;
  readonly slot: { address: string; linkIndex: number };
  readonly netns: string;
  readonly rootLink: string;
  readonly hostname: string;
  readonly paths: InstancePaths;
  readonly log: (line: string) => void;
  /** The running init process; none while the instance is off. */
  init: InstanceInit | undefined;
  /** The task bridge's addresses: a new pool at every power-on, since a reboot ends every task. */
  taskAddresses: AddressPool;
  /** The release the instance's agent last started as (its handle reports it). */
  agentVersion: HostView['agentVersion'];
}

/** Takes the instance's slot on the lab bridge, names it and writes its disk; nothing runs yet. */
async function createMachine(lab: LabNetwork, spec: HostSpec): Promise<Machine> {
  const profile = AMI_PROFILES[spec.amiProfile];
  const slot = lab.allocateInstanceSlot();
  const paths = {
    ...instancePaths(lab.dir, spec.instanceId),
    ...(spec.consoleLog ? { consoleLog: spec.consoleLog } : {}),
  };
  await createInstanceDisk(paths, profile);
  await mkdir(paths.userDataDir, { recursive: true });
  return {
    lab,
    spec,
    profile,
    slot,
    netns: lab.names.instanceNetns(spec.instanceId),
    rootLink: lab.names.instanceLink(slot.linkIndex),
    hostname: instanceHostname(slot.address, spec.region),
    paths,
    log: (line: string) => appendFileSync(paths.consoleLog, `${new Date().toISOString()} ${line}\n`),
    init: undefined,
    taskAddresses: taskAddressPool(),
    agentVersion: DEFAULT_BASELINE.agentVersion,
  };
}

/** The instance's service manager with its units; the agent it launches sees `baseView`. */
function loadServices(
  machine: Machine,
  baseView: Omit<HostView, 'agentEnvironment' | 'agentVersion'>,
): Promise<HostServices> {
  const { paths } = machine;
  return HostServices.load({
    profile: machine.profile,
    rootDir: paths.rootDir,
    statePath: paths.statePath,
    init: () => currentInit(machine),
    hostView: (agentEnvironment, version) => {
      machine.agentVersion = version;
      return { ...baseView, agentEnvironment: { ...agentEnvironment }, agentVersion: version };
    },
    launchAgent: machine.spec.launchAgent,
    log: machine.log,
  });
}

/** EC2's private DNS name: us-east-1 has its own domain. */
function instanceHostname(address: string, region: string): string {
  const domain = region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
  return `ip-${address.replaceAll('.', '-')}.${domain}`;
}

function currentInit(machine: Machine): InstanceInit {
  if (!machine.init) throw new Error(`instance ${machine.spec.instanceId} is not running`);
  return machine.init;
}

/** What the agent sees of its host, but for the environment ecs-init gives it. */
function hostBaseView(machine: Machine, enis: TaskEniAttacher): Omit<HostView, 'agentEnvironment' | 'agentVersion'> {
  const { spec } = machine;
  return {
    instanceId: spec.instanceId,
    netns: machine.netns,
    rootDir: machine.paths.rootDir,
    taskBridge: { name: TASK_BRIDGE_NAME, gateway: TASK_BRIDGE_GATEWAY, prefixLength: TASK_BRIDGE_PREFIX_LENGTH },
    allocateTaskAddress: () => machine.taskAddresses.allocate(),
    releaseTaskAddress: (address) => machine.taskAddresses.release(address),
    attachTaskEni: () => enis.attach(),
    detachTaskEni: (id) => enis.detach(id),
    controlPlaneEndpoint: `http://${spec.controlPlane.host}:${spec.controlPlane.port}`,
    region: spec.region,
  };
}

/** The instance as IMDS describes it, with EC2's defaults for what the spec leaves out. */
function imdsInstanceOf(spec: HostSpec, profile: AmiProfile, privateIp: string): ImdsInstance {
  return {
    instanceId: spec.instanceId,
    region: spec.region,
    availabilityZone: spec.availabilityZone ?? `${spec.region}a`,
    accountId: spec.accountId ?? '123456789012',
    imageId: spec.imageId ?? `ami-0lab${profile.name.replace(/[^a-z0-9]/g, '')}`,
    instanceType: spec.instanceType ?? 't3.micro',
    privateIp,
    userData: spec.userData,
    options: {
      httpTokens: spec.imds?.httpTokens ?? 'optional',
      httpPutResponseHopLimit: spec.imds?.httpPutResponseHopLimit ?? 2,
    },
    credentials: spec.imdsCredentials,
    ...(spec.primaryInterface ? { primaryInterface: spec.primaryInterface } : {}),
  };
}

/**
 * Boot, reboot and shutdown take turns; service jobs (shims) have their own queue, since user data
 * calls them while the boot waits for it.
 */
function takingTurns(): <T>(job: () => Promise<T>) => Promise<T> {
  let lifecycle: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const next = lifecycle.then(job, job);
    lifecycle = next.catch(() => undefined);
    return next;
  };
}

/** Network, init, then the AMI's boot sequence; user data scripts run on the first boot only. */
async function powerOnMachine(machine: Machine, services: HostServices, firstBoot: boolean): Promise<void> {
  const { lab, profile, log } = machine;
  machine.taskAddresses = taskAddressPool();
  await createInstanceNetwork({
    netns: machine.netns,
    rootLink: machine.rootLink,
    bridge: lab.names.bridge,
    address: machine.slot.address,
    prefixLength: lab.subnet.prefixLength,
    vpcRouter: lab.subnet.vpcRouter,
  });
  const init = await startInstanceInit({
    netns: machine.netns,
    paths: machine.paths,
    hostname: machine.hostname,
    shadowedCommands: shadowedCommands(profile),
    initSystem: profile.initSystem,
  });
  machine.init = init;
  log(
    `boot: ${firstBoot ? 'first boot' : 'reboot'} of ${machine.spec.instanceId} (${profile.name}), init pid ${init.pid}`,
  );
  const parts = parseUserData(machine.spec.userData);
  await services.bootSysctl();
  await services.loadUnits();
  await services.bootIptables();
  await services.bootCustomUnits();
  services.beginUserData();
  await runUserDataParts(machine, parts, 'boothook', '/var/lib/cloud/instance/boothooks');
  await services.bootDocker();
  if (firstBoot) {
    for (const part of parts.filter((candidate) => candidate.kind === 'unsupported')) {
      log(`cloud-init: user data part ${part.label} is not supported by the lab and was not run`);
    }
    await runUserDataParts(machine, parts, 'script', '/var/lib/cloud/instance/scripts');
  }
  await services.finishBoot(firstBoot);
  await currentInit(machine).exec('conntrack', ['-F'], { allowFailure: true });
  log('boot: finished');
}

/** Runs the user data parts of one kind as cloud-init does, their output to the user data log and console. */
async function runUserDataParts(
  machine: Machine,
  parts: UserDataPart[],
  kind: UserDataPart['kind'],
  dir: string,
): Promise<void> {
  const { paths, log } = machine;
  let index = 0;
  for (const part of parts.filter((candidate) => candidate.kind === kind)) {
    const path = `${dir}/part-${String(index++).padStart(3, '0')}`;
    const init = currentInit(machine);
    const hostPath = init.path(path);
    await mkdir(init.path(dir), { recursive: true });
    await writeFile(hostPath, part.body);
    await chmod(hostPath, 0o700);
    const [file, args] = part.body.startsWith('#!') ? [path, []] : ['/bin/sh', [path]];
    log(`cloud-init: running ${kind} ${path}`);
    const result = await init.exec(file, args, {
      allowFailure: true,
      timeoutMs: USER_DATA_TIMEOUT_MS,
      env: { INSTANCE_ID: machine.spec.instanceId },
      shims: true,
      mergeOutput: true,
    });
    const output = result.stdout.length > 0 ? `${result.stdout}\n` : '';
    appendFileSync(paths.userDataLog, output);
    // cloud-init's default `output` tees the scripts' stdout and stderr to the console as well.
    appendFileSync(paths.consoleLog, output);
    await writeFile(init.path('/var/log/cloud-init-output.log'), output, { flag: 'a' });
    log(`cloud-init: ${kind} ${path} exited ${result.exitCode}`);
  }
}

/** Stops the services and init, detaches task ENIs and removes the instance's namespace and link. */
async function powerOffMachine(machine: Machine, services: HostServices, enis: TaskEniAttacher): Promise<void> {
  await services.powerOff();
  await machine.init?.stop();
  machine.init = undefined;
  await enis.detachAll();
  await deleteNetns(machine.netns);
  await run('ip', ['link', 'delete', machine.rootLink], { allowFailure: true });
}

/** The handle the fleet holds: the base view, the live services' state, and the lifecycle calls. */
function instanceHandle(
  machine: Machine,
  baseView: Omit<HostView, 'agentEnvironment' | 'agentVersion'>,
  services: HostServices,
  lifecycle: Pick<InstanceHandle, 'reboot' | 'shutdown'>,
): InstanceHandle {
  const { paths } = machine;
  return {
    ...baseView,
    privateIp: machine.slot.address,
    amiProfile: machine.profile.name,
    get agentEnvironment() {
      return services.agentEnvironment;
    },
    get agentVersion() {
      return machine.agentVersion;
    },
    get initPid() {
      return currentInit(machine).pid;
    },
    get ecsInitEnvironment() {
      return services.ecsInitEnvironment;
    },
    exec: (file, args, options = {}) =>
      currentInit(machine).exec(file, args, { ...options, allowFailure: true, shims: true }),
    instancePath: (path) => currentInit(machine).path(path),
    userDataOutput: () => readFile(paths.userDataLog, 'utf8').catch(() => ''),
    consoleOutput: () => readFile(paths.consoleLog, 'utf8').catch(() => ''),
    agentRunning: () => services.agentRunning(),
    ...lifecycle,
  };
}

function validate(spec: HostSpec): void {
  const problems = [];
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(spec.instanceId)) {
    problems.push({ file: 'host spec', path: 'instanceId', message: `"${spec.instanceId}" is not an instance id` });
  }
  if (!isAmiProfileName(spec.amiProfile)) {
    problems.push({
      file: 'host spec',
      path: 'amiProfile',
      message: `"${spec.amiProfile}" is not one of ${Object.keys(AMI_PROFILES).join(', ')}`,
    });
  }
  if (problems.length > 0) throw new BadInputError(problems);
}
