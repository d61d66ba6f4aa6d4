import { appendFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { BadInputError } from '../../../core/errors.ts';
import { DEFAULT_BASELINE } from '../../../core/matrix/dimensions.ts';
import type { HostView } from '../contracts.ts';
import {
  TASK_BRIDGE_GATEWAY,
  TASK_BRIDGE_NAME,
  TASK_BRIDGE_PREFIX_LENGTH,
  taskAddressPool,
} from '../network/addresses.ts';
import { run } from '../network/commands.ts';
import type { LabNetwork } from '../network/lab-network.ts';
import { deleteNetns } from '../network/netns.ts';
import type { ImdsInstance } from '../network/vpc/instance-metadata.ts';
import { AMI_PROFILES, isAmiProfileName } from './ami-profiles.ts';
import { HostServices } from './host-services.ts';
import type { HostSpec, InstanceHandle } from './host-spec.ts';
import { createInstanceDisk, instancePaths } from './instance-files.ts';
import { type InstanceInit, startInstanceInit } from './instance-init.ts';
import { createInstanceNetwork } from './instance-network.ts';
import { powerControl } from './shims/power.ts';
import { absentCommands, shadowedCommands, shimHandlers } from './shims/registry.ts';
import { writeShims } from './shims/shim-scripts.ts';
import { startShimServer } from './shims/shim-server.ts';
import { taskEniAttacher } from './task-eni.ts';
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
  const profile = AMI_PROFILES[spec.amiProfile];
  const slot = lab.allocateInstanceSlot();
  const netns = lab.names.instanceNetns(spec.instanceId);
  const rootLink = lab.names.instanceLink(slot.linkIndex);
  const paths = {
    ...instancePaths(lab.dir, spec.instanceId),
    ...(spec.consoleLog ? { consoleLog: spec.consoleLog } : {}),
  };
  const hostname = `ip-${slot.address.replaceAll('.', '-')}.${spec.region === 'us-east-1' ? 'ec2.internal' : `${spec.region}.compute.internal`}`;
  await createInstanceDisk(paths, profile);
  await mkdir(paths.userDataDir, { recursive: true });
  const log = (line: string) => appendFileSync(paths.consoleLog, `${new Date().toISOString()} ${line}\n`);

  // shutdown/poweroff/halt from inside: EC2 answers per InstanceInitiatedShutdownBehavior (onPowerOff);
  // without a control plane to tell, the host simply goes away.
  const power = powerControl({
    log,
    powerOff: () =>
      void Promise.resolve(spec.onPowerOff ? spec.onPowerOff() : handle.shutdown()).catch(() => undefined),
  });
  const handlers = { ...shimHandlers(profile), ...power.handlers };
  const absent = absentCommands(profile);
  await writeShims(paths.shimDir, paths.controlSocket, Object.keys(handlers), absent);

  let taskAddresses = taskAddressPool();
  const enis = taskEniAttacher(lab, { netns, privateIp: slot.address });
  let init: InstanceInit | undefined;
  const currentInit = (): InstanceInit => {
    if (!init) throw new Error(`instance ${spec.instanceId} is not running`);
    return init;
  };
  // The release the instance's agent last started as (its handle reports it).
  let agentVersion: HostView['agentVersion'] = DEFAULT_BASELINE.agentVersion;
  const baseView: Omit<HostView, 'agentEnvironment' | 'agentVersion'> = {
    instanceId: spec.instanceId,
    netns,
    rootDir: paths.rootDir,
    taskBridge: { name: TASK_BRIDGE_NAME, gateway: TASK_BRIDGE_GATEWAY, prefixLength: TASK_BRIDGE_PREFIX_LENGTH },
    allocateTaskAddress: () => taskAddresses.allocate(),
    releaseTaskAddress: (address) => taskAddresses.release(address),
    attachTaskEni: () => enis.attach(),
    detachTaskEni: (id) => enis.detach(id),
    controlPlaneEndpoint: `http://${spec.controlPlane.host}:${spec.controlPlane.port}`,
    region: spec.region,
  };
  const services = await HostServices.load({
    profile,
    rootDir: paths.rootDir,
    statePath: paths.statePath,
    init: currentInit,
    hostView: (agentEnvironment, version) => {
      agentVersion = version;
      return { ...baseView, agentEnvironment: { ...agentEnvironment }, agentVersion };
    },
    launchAgent: spec.launchAgent,
    log,
  });
  const shimServer = await startShimServer({ socket: paths.controlSocket, handlers, services, log });
  const imdsInstance: ImdsInstance = {
    instanceId: spec.instanceId,
    region: spec.region,
    availabilityZone: spec.availabilityZone ?? `${spec.region}a`,
    accountId: spec.accountId ?? '123456789012',
    imageId: spec.imageId ?? `ami-0lab${profile.name.replace(/[^a-z0-9]/g, '')}`,
    instanceType: spec.instanceType ?? 't3.micro',
    privateIp: slot.address,
    userData: spec.userData,
    options: {
      httpTokens: spec.imds?.httpTokens ?? 'optional',
      httpPutResponseHopLimit: spec.imds?.httpPutResponseHopLimit ?? 2,
    },
    credentials: spec.imdsCredentials,
    ...(spec.primaryInterface ? { primaryInterface: spec.primaryInterface } : {}),
  };
  await lab.imds.register(imdsInstance);
  const parts = parseUserData(spec.userData);

  const runParts = async (kind: UserDataPart['kind'], dir: string) => {
    let index = 0;
    for (const part of parts.filter((candidate) => candidate.kind === kind)) {
      const path = `${dir}/part-${String(index++).padStart(3, '0')}`;
      const hostPath = currentInit().path(path);
      await mkdir(currentInit().path(dir), { recursive: true });
      await writeFile(hostPath, part.body);
      await chmod(hostPath, 0o700);
      const [file, args] = part.body.startsWith('#!') ? [path, []] : ['/bin/sh', [path]];
      log(`cloud-init: running ${kind} ${path}`);
      const result = await currentInit().exec(file, args, {
        allowFailure: true,
        timeoutMs: USER_DATA_TIMEOUT_MS,
        env: { INSTANCE_ID: spec.instanceId },
        shims: true,
        mergeOutput: true,
      });
      const output = result.stdout.length > 0 ? `${result.stdout}\n` : '';
      appendFileSync(paths.userDataLog, output);
      // cloud-init's default `output` tees the scripts' stdout and stderr to the console as well.
      appendFileSync(paths.consoleLog, output);
      await writeFile(currentInit().path('/var/log/cloud-init-output.log'), output, { flag: 'a' });
      log(`cloud-init: ${kind} ${path} exited ${result.exitCode}`);
    }
  };

  const powerOn = async (firstBoot: boolean) => {
    taskAddresses = taskAddressPool();
    await createInstanceNetwork({
      netns,
      rootLink,
      bridge: lab.names.bridge,
      address: slot.address,
      prefixLength: lab.subnet.prefixLength,
      vpcRouter: lab.subnet.vpcRouter,
    });
    init = await startInstanceInit({
      netns,
      paths,
      hostname,
      shadowedCommands: shadowedCommands(profile),
      initSystem: profile.initSystem,
    });
    log(`boot: ${firstBoot ? 'first boot' : 'reboot'} of ${spec.instanceId} (${profile.name}), init pid ${init.pid}`);
    await services.bootSysctl();
    await services.loadUnits();
    await services.bootIptables();
    await services.bootCustomUnits();
    services.beginUserData();
    await runParts('boothook', '/var/lib/cloud/instance/boothooks');
    await services.bootDocker();
    if (firstBoot) {
      for (const part of parts.filter((candidate) => candidate.kind === 'unsupported')) {
        log(`cloud-init: user data part ${part.label} is not supported by the lab and was not run`);
      }
      await runParts('script', '/var/lib/cloud/instance/scripts');
    }
    await services.finishBoot(firstBoot);
    await currentInit().exec('conntrack', ['-F'], { allowFailure: true });
    log('boot: finished');
  };

  const powerOff = async () => {
    power.cancel();
    await services.powerOff();
    await init?.stop();
    init = undefined;
    await enis.detachAll();
    await deleteNetns(netns);
    await run('ip', ['link', 'delete', rootLink], { allowFailure: true });
  };

  // Boot, reboot and shutdown take turns; service jobs (shims) have their own queue, since user data
  // calls them while the boot waits for it.
  let lifecycle: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(job: () => Promise<T>): Promise<T> => {
    const next = lifecycle.then(job, job);
    lifecycle = next.catch(() => undefined);
    return next;
  };
  let untrack: () => void = () => undefined;
  let shutdown: Promise<void> | undefined;
  const handle: InstanceHandle = {
    ...baseView,
    privateIp: slot.address,
    amiProfile: profile.name,
    get agentEnvironment() {
      return services.agentEnvironment;
    },
    get agentVersion() {
      return agentVersion;
    },
    get initPid() {
      return currentInit().pid;
    },
    get ecsInitEnvironment() {
      return services.ecsInitEnvironment;
    },
    exec: (file, args, options = {}) => currentInit().exec(file, args, { ...options, allowFailure: true, shims: true }),
    instancePath: (path) => currentInit().path(path),
    userDataOutput: () => readFile(paths.userDataLog, 'utf8').catch(() => ''),
    consoleOutput: () => readFile(paths.consoleLog, 'utf8').catch(() => ''),
    agentRunning: () => services.agentRunning(),
    reboot: () =>
      inTurn(async () => {
        log('reboot: requested');
        await powerOff();
        await powerOn(false);
      }),
    shutdown: () => {
      shutdown ??= (async () => {
        log('shutdown: requested');
        await inTurn(powerOff);
        await shimServer.close();
        await lab.imds.unregister(slot.address);
        lab.releaseInstanceSlot(slot);
        untrack();
        await rm(paths.dir, { recursive: true, force: true });
      })();
      return shutdown;
    },
  };
  untrack = lab.track(handle);

  try {
    await inTurn(() => powerOn(true));
  } catch (error) {
    await handle.shutdown().catch(() => undefined);
    throw error;
  }
  return handle;
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
