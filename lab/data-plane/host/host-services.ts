import { readFile, writeFile } from 'node:fs/promises';
import type { HostView, RunningAgent } from '../contracts.ts';
import type { CommandResult } from '../network/commands.ts';
import { type AmiProfile, UNIT_PROVIDERS } from './ami-profiles.ts';
import type { InstanceInit } from './instance-init.ts';
import { isCataloguedPackage, packageNotFound } from './package-catalog.ts';
import { type AgentContainer, DockerDaemon } from './services/docker-daemon.ts';
import { EcsService } from './services/ecs-service.ts';
import { InstanceAccess } from './services/instance-access.ts';
import { IptablesService } from './services/iptables-service.ts';
import { ok, type ServiceResult } from './services/service-result.ts';
import { applySysctl, bootSysctl } from './services/sysctl-settings.ts';

export type { AgentContainer } from './services/docker-daemon.ts';
export type { ServiceResult } from './services/service-result.ts';
export { isPerInstanceSysctl, parseSysctlFile } from './services/sysctl-settings.ts';

/** What survives a reboot: the disk's package database, unit enablement, docker's containers. */
interface PersistentState {
  packages: string[];
  enabledUnits: string[];
  containers: AgentContainer[];
  /** Units user data wrote to /etc/systemd/system and enabled (started at every later boot). */
  customUnits?: string[];
}

export interface HostServicesOptions {
  profile: AmiProfile;
  /** The instance's own files (upper layers): boot reads what the AMI and user data put there. */
  rootDir: string;
  statePath: string;
  /** The current instance init (a new one after each reboot). */
  init: () => InstanceInit;
  /** Builds the HostView handed to the agent launcher, with the agent's environment. */
  hostView: (agentEnvironment: Record<string, string>, agentVersion: HostView['agentVersion']) => HostView;
  launchAgent: (view: HostView) => Promise<RunningAgent>;
  log: (line: string) => void;
}

export type Unit = 'ecs' | 'iptables' | 'docker';

/**
 * The instance's service manager, as far as task-role credentials care: which packages are installed and
 * which units enabled (both survive reboots), and the boot order; each service lives in services/: the
 * `ecs` service (ecs-init: rules + agent), the `iptables` service (restore at boot, save, flush on stop),
 * docker (its network; agent containers), sysctl. Calls are serialized, like a service manager's job queue.
 */
export class HostServices {
  readonly #options: HostServicesOptions;
  readonly #state: PersistentState;
  readonly #instance: InstanceAccess;
  readonly #ecs: EcsService;
  readonly #iptables: IptablesService;
  readonly #docker: DockerDaemon;
  #queue: Promise<unknown> = Promise.resolve();
  /** systemd orders ecs.service after cloud-final.service: starts asked for by user data wait for its end. */
  #deferring = false;
  readonly #deferred = new Set<Unit>();
  #lastAgentEnvironment: Record<string, string> = {};

  private constructor(options: HostServicesOptions, state: PersistentState) {
    this.#options = options;
    this.#state = state;
    this.#instance = new InstanceAccess(options.init, options.log);
    const agents = {
      hostView: options.hostView,
      launchAgent: options.launchAgent,
      started: (environment: Record<string, string>) => {
        this.#lastAgentEnvironment = { ...environment };
      },
    };
    const disk = {
      get containers() {
        return state.containers;
      },
      set containers(containers: AgentContainer[]) {
        state.containers = containers;
      },
      save: () => this.#save(),
    };
    this.#ecs = new EcsService(this.#instance, options.profile.initSystem, agents);
    this.#iptables = new IptablesService(this.#instance);
    this.#docker = new DockerDaemon(this.#instance, disk, agents);
  }

  static async load(options: HostServicesOptions): Promise<HostServices> {
    let state: PersistentState;
    try {
      state = JSON.parse(await readFile(options.statePath, 'utf8')) as PersistentState;
    } catch {
      state = {
        packages: [...options.profile.packages],
        enabledUnits: [...options.profile.enabledUnits],
        containers: [],
      };
    }
    const services = new HostServices(options, state);
    await services.#save();
    return services;
  }

  get profile(): AmiProfile {
    return this.#options.profile;
  }

  get ecsInitEnvironment(): Record<string, string> {
    return this.#ecs.ecsInitEnvironment;
  }

  get agentEnvironment(): Record<string, string> {
    return { ...this.#lastAgentEnvironment };
  }

  agentRunning(): boolean {
    return this.#ecs.active || this.#docker.agentRunning;
  }

  /** Runs one service-manager job after the ones before it. */
  serialize<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(job, job);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  isInstalled(pkg: string): boolean {
    return this.#state.packages.includes(pkg);
  }

  unitExists(unit: string): unit is Unit {
    const packages = new Set(this.#state.packages);
    return Object.entries(UNIT_PROVIDERS).some(([pkg, provided]) => provided === unit && packages.has(pkg));
  }

  isEnabled(unit: Unit): boolean {
    return this.#state.enabledUnits.includes(unit);
  }

  isActive(unit: Unit): boolean {
    if (unit === 'ecs') return this.#ecs.active;
    if (unit === 'iptables') return this.#iptables.active;
    return this.#docker.active;
  }

  async install(packages: readonly string[]): Promise<ServiceResult> {
    // dnf resolves every name first: one unknown package and nothing is installed.
    const unknown = packages.filter((pkg) => !isCataloguedPackage(pkg));
    if (unknown.length > 0) return packageNotFound(unknown);
    const added = packages.filter((pkg) => !this.#state.packages.includes(pkg));
    this.#state.packages.push(...added);
    await this.#save();
    this.#options.log(`packages: installed ${packages.join(' ') || '(nothing)'} (lab: no files change)`);
    return ok(added.length > 0 ? `Installed:\n  ${added.join('\n  ')}\n\nComplete!\n` : 'Nothing to do.\nComplete!\n');
  }

  async enable(unit: Unit): Promise<ServiceResult> {
    if (!this.#state.enabledUnits.includes(unit)) this.#state.enabledUnits.push(unit);
    await this.#save();
    this.#options.log(`service: enabled ${unit}`);
    return ok();
  }

  async disable(unit: Unit): Promise<ServiceResult> {
    this.#state.enabledUnits = this.#state.enabledUnits.filter((name) => name !== unit);
    await this.#save();
    this.#options.log(`service: disabled ${unit}`);
    return ok();
  }

  async start(unit: Unit): Promise<ServiceResult> {
    if (unit === 'ecs' && this.#deferring && this.profile.initSystem === 'systemd') {
      this.#deferred.add(unit);
      this.#options.log('service: ecs start queued until user data finishes (ecs.service After=cloud-final.service)');
      return ok();
    }
    if (unit === 'ecs') return this.#ecs.start();
    if (unit === 'iptables') return this.#iptables.start();
    return this.startDocker();
  }

  async stop(unit: Unit): Promise<ServiceResult> {
    this.#deferred.delete(unit);
    if (unit === 'ecs') return this.#ecs.stop();
    if (unit === 'iptables') return this.#iptables.stop();
    return this.#docker.stop();
  }

  async restart(unit: Unit): Promise<ServiceResult> {
    const stopped = await this.stop(unit);
    if (stopped.exitCode !== 0) return stopped;
    return this.start(unit);
  }

  /** dockerd's start: the docker0 bridge and its iptables rules (idempotent). */
  startDocker(): Promise<ServiceResult> {
    return this.#docker.start();
  }

  /** `service iptables save` (AL1) / the iptables.init save action. */
  saveIptables(): Promise<ServiceResult> {
    return this.#iptables.save();
  }

  /** `systemctl daemon-reload` (and the reload `systemctl enable` does): units are read again. */
  async daemonReload(): Promise<void> {
    await this.#ecs.loadUnit();
  }

  /** A unit file user data wrote under /etc/systemd/system (systemd AMIs only). */
  async customUnitExists(unit: string): Promise<boolean> {
    if (this.profile.initSystem !== 'systemd' || !/^[A-Za-z0-9@_.-]+$/.test(unit)) return false;
    return (await this.#instance.readFile(`/etc/systemd/system/${unit}.service`)) !== undefined;
  }

  async enableCustomUnit(unit: string): Promise<ServiceResult> {
    const units = new Set(this.#state.customUnits ?? []);
    units.add(unit);
    this.#state.customUnits = [...units];
    await this.#save();
    this.#options.log(`service: enabled ${unit}`);
    await this.daemonReload();
    const link = `/etc/systemd/system/multi-user.target.wants/${unit}.service`;
    return { exitCode: 0, stdout: '', stderr: `Created symlink ${link} → /etc/systemd/system/${unit}.service.\n` };
  }

  /**
   * At boot, systemd starts the enabled units of multi-user.target: the custom oneshot units user data
   * enabled run their ExecStart= (with the instance's commands, shims included).
   */
  async bootCustomUnits(): Promise<void> {
    for (const unit of this.#state.customUnits ?? []) {
      const text = (await this.#instance.readFile(`/etc/systemd/system/${unit}.service`)) ?? '';
      const command = /^ExecStart=(\S+)\s*$/m.exec(text)?.[1];
      if (!command) continue;
      const result = await this.#options.init().exec(command, [], { allowFailure: true, shims: true });
      this.#options.log(`boot: ${unit}.service exited ${result.exitCode}`);
    }
  }

  // --- boot ---

  /** systemd loads its units at boot, before cloud-init's user data runs. */
  loadUnits(): Promise<void> {
    return this.#ecs.loadUnit();
  }

  beginUserData(): void {
    this.#deferring = true;
  }

  /** End of cloud-final: queued starts run, then the enabled services that start after user data. */
  async finishBoot(firstBoot: boolean): Promise<void> {
    this.#deferring = false;
    const wanted = new Set<Unit>(this.#deferred);
    this.#deferred.clear();
    if (this.unitExists('ecs') && this.isEnabled('ecs')) wanted.add('ecs');
    for (const unit of wanted) {
      const result = await this.start(unit);
      if (result.exitCode !== 0) this.#options.log(`boot: starting ${unit} failed: ${result.stderr.trim()}`);
    }
    // Containers come back with dockerd (its --restart policies); no dockerd, no containers.
    if (!firstBoot && this.#docker.active) await this.#docker.restartContainers();
  }

  /** docker.service at boot: only when the docker package is installed and the unit enabled. */
  async bootDocker(): Promise<void> {
    if (!this.unitExists('docker') || !this.isEnabled('docker')) {
      this.#options.log('boot: docker not started (no docker package, or docker.service not enabled)');
      return;
    }
    const result = await this.startDocker();
    if (result.exitCode !== 0) this.#options.log(`boot: starting docker failed: ${result.stderr.trim()}`);
  }

  /** Early boot (before docker): the iptables service restores saved rules when enabled. */
  async bootIptables(): Promise<void> {
    if (this.unitExists('iptables') && this.isEnabled('iptables')) await this.#iptables.start();
  }

  /** Everything stops (reboot, shutdown); the agent gets its stop call. Kernel state dies with the namespace. */
  async powerOff(): Promise<void> {
    await this.#ecs.powerOff();
    await this.#docker.powerOff();
    this.#iptables.powerOff();
    this.#deferring = false;
    this.#deferred.clear();
  }

  // --- docker containers (the agent image only) ---

  containers(): AgentContainer[] {
    return this.#docker.containers();
  }

  containerRunning(name: string): boolean {
    return this.#docker.containerRunning(name);
  }

  runContainer(container: AgentContainer): Promise<ServiceResult> {
    return this.#docker.runContainer(container);
  }

  startContainer(name: string): Promise<ServiceResult> {
    return this.#docker.startContainer(name);
  }

  stopContainer(name: string): Promise<ServiceResult> {
    return this.#docker.stopContainer(name);
  }

  removeContainer(name: string, force: boolean): Promise<ServiceResult> {
    return this.#docker.removeContainer(name, force);
  }

  // --- the instance's files, commands and kernel settings ---

  /** Runs a system command in the instance (no shims on PATH). */
  execInInstance(file: string, args: readonly string[], input?: string): Promise<CommandResult> {
    return this.#instance.exec(file, args, input);
  }

  readInstanceFile(path: string): Promise<string | undefined> {
    return this.#instance.readFile(path);
  }

  /** `sysctl -w` and `sysctl -p`: per-instance (net.*) keys only. */
  applySysctl(settings: readonly [string, string][]): Promise<ServiceResult> {
    return applySysctl(this.#instance, settings);
  }

  /** systemd-sysctl / rc.sysinit at boot: settings the instance's disk holds in /etc/sysctl.conf and /etc/sysctl.d. */
  bootSysctl(): Promise<void> {
    return bootSysctl(this.#instance, this.#options.rootDir);
  }

  async #save(): Promise<void> {
    await writeFile(this.#options.statePath, `${JSON.stringify(this.#state, null, 2)}\n`);
  }
}
