import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostView, RunningAgent } from '../contracts.ts';
import type { CommandResult } from '../network/commands.ts';
import { type AmiProfile, UNIT_PROVIDERS } from './ami-profiles.ts';
import { dockerStartScript } from './docker-network.ts';
import { ecsInitPostStop, ecsInitPreStart } from './ecs-init.ts';
import type { InstanceInit } from './instance-init.ts';
import {
  ecsInitAgentEnvironment,
  parseDropIn,
  parseSystemdEnvironmentFile,
  parseUpstartOverride,
} from './service-config.ts';

/** What a service-manager command prints and returns (shims pass it through to the caller). */
export interface ServiceResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const ok = (stdout = ''): ServiceResult => ({ exitCode: 0, stdout, stderr: '' });
const fail = (exitCode: number, stderr: string, stdout = ''): ServiceResult => ({ exitCode, stdout, stderr });

/** The agent run as a container by `docker run … amazon/amazon-ecs-agent` (plain AMIs). */
export interface AgentContainer {
  name: string;
  image: string;
  env: Record<string, string>;
  /** docker --restart policy: after a reboot only `always` and `unless-stopped` containers start again. */
  restart: string;
  /** Stopped by `docker stop` (matters for `unless-stopped`). */
  stoppedByUser: boolean;
}

/** What survives a reboot: the disk's package database, unit enablement, docker's containers. */
interface PersistentState {
  packages: string[];
  enabledUnits: string[];
  containers: AgentContainer[];
}

export interface HostServicesOptions {
  profile: AmiProfile;
  /** The instance's own files (upper layers): boot reads what the AMI and user data put there. */
  rootDir: string;
  statePath: string;
  /** The current instance init (a new one after each reboot). */
  init: () => InstanceInit;
  /** Builds the HostView handed to the agent launcher, with the agent's environment. */
  hostView: (agentEnvironment: Record<string, string>) => HostView;
  launchAgent: (view: HostView) => Promise<RunningAgent>;
  log: (line: string) => void;
}

export type Unit = 'ecs' | 'iptables' | 'docker';

/**
 * The instance's service manager and docker daemon, as far as task-role credentials care: the `ecs`
 * service (ecs-init: rules + agent), the `iptables` service (restore at boot, save, flush on stop),
 * docker (its network; agent containers), package installs that make units exist.
 * Calls are serialized, like a service manager's job queue.
 */
export class HostServices {
  readonly #options: HostServicesOptions;
  #state: PersistentState;
  #queue: Promise<unknown> = Promise.resolve();
  #ecs: { agent: RunningAgent; ecsInitEnv: Record<string, string> } | undefined;
  #lastEcsInitEnv: Record<string, string> = {};
  readonly #running = new Map<string, RunningAgent>();
  #iptablesActive = false;
  /** systemd orders ecs.service after cloud-final.service: starts asked for by user data wait for its end. */
  #deferring = false;
  readonly #deferred = new Set<Unit>();
  #lastAgentEnvironment: Record<string, string> = {};

  private constructor(options: HostServicesOptions, state: PersistentState) {
    this.#options = options;
    this.#state = state;
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
    return { ...this.#lastEcsInitEnv };
  }

  get agentEnvironment(): Record<string, string> {
    return { ...this.#lastAgentEnvironment };
  }

  agentRunning(): boolean {
    return this.#ecs !== undefined || this.#running.size > 0;
  }

  /** Runs one service-manager job after the ones before it. */
  serialize<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(job, job);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  unitExists(unit: string): unit is Unit {
    if (unit === 'docker') return true;
    const packages = new Set(this.#state.packages);
    return Object.entries(UNIT_PROVIDERS).some(([pkg, provided]) => provided === unit && packages.has(pkg));
  }

  isEnabled(unit: Unit): boolean {
    return this.#state.enabledUnits.includes(unit);
  }

  isActive(unit: Unit): boolean {
    if (unit === 'ecs') return this.#ecs !== undefined;
    if (unit === 'iptables') return this.#iptablesActive;
    return true;
  }

  async install(packages: readonly string[]): Promise<ServiceResult> {
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
    if (unit === 'ecs') return this.#startEcs();
    if (unit === 'iptables') return this.#startIptables();
    return this.startDocker();
  }

  async stop(unit: Unit): Promise<ServiceResult> {
    this.#deferred.delete(unit);
    if (unit === 'ecs') return this.#stopEcs();
    if (unit === 'iptables') return this.#stopIptables();
    this.#options.log('service: docker stop ignored (lab: docker keeps running)');
    return ok();
  }

  async restart(unit: Unit): Promise<ServiceResult> {
    const stopped = await this.stop(unit);
    if (stopped.exitCode !== 0) return stopped;
    return this.start(unit);
  }

  /** dockerd's start: the docker0 bridge and its iptables rules (idempotent). */
  async startDocker(): Promise<ServiceResult> {
    const result = await this.#exec('sh', ['-c', dockerStartScript()]);
    if (result.exitCode !== 0) return fail(1, `docker: network setup failed: ${result.stderr}`);
    this.#options.log('docker: docker0 and its iptables rules in place');
    return ok();
  }

  /** `service iptables save` (AL1) / the iptables.init save action. */
  async saveIptables(): Promise<ServiceResult> {
    const saved = await this.#exec('iptables-save', []);
    if (saved.exitCode !== 0) return fail(1, saved.stderr);
    await writeFile(this.#options.init().path('/etc/sysconfig/iptables'), saved.stdout, { mode: 0o600 });
    this.#options.log('iptables: saved current rules to /etc/sysconfig/iptables');
    return ok('iptables: Saving firewall rules to /etc/sysconfig/iptables: [  OK  ]\n');
  }

  // --- boot ---

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
    if (!firstBoot) await this.#restartContainers();
  }

  /** Early boot (before docker): the iptables service restores saved rules when enabled. */
  async bootIptables(): Promise<void> {
    if (this.unitExists('iptables') && this.isEnabled('iptables')) await this.#startIptables();
  }

  /** Everything stops (reboot, shutdown); the agent gets its stop call. Kernel state dies with the namespace. */
  async powerOff(): Promise<void> {
    if (this.#ecs) {
      const { agent } = this.#ecs;
      this.#ecs = undefined;
      await agent.stop().catch((error: unknown) => this.#options.log(`ecs: agent stop failed: ${String(error)}`));
    }
    for (const [name, agent] of this.#running) {
      this.#running.delete(name);
      await agent.stop().catch((error: unknown) => this.#options.log(`docker: agent stop failed: ${String(error)}`));
    }
    this.#iptablesActive = false;
    this.#deferring = false;
    this.#deferred.clear();
  }

  // --- docker containers (the agent image only) ---

  containers(): AgentContainer[] {
    return this.#state.containers.map((container) => ({ ...container }));
  }

  containerRunning(name: string): boolean {
    return this.#running.has(name);
  }

  async runContainer(container: AgentContainer): Promise<ServiceResult> {
    if (this.#state.containers.some((existing) => existing.name === container.name)) {
      return fail(
        125,
        `docker: Error response from daemon: Conflict. The container name "/${container.name}" is already in use.\n`,
      );
    }
    this.#state.containers.push(container);
    await this.#save();
    const started = await this.#launchContainer(container);
    return started.exitCode === 0 ? ok(`${containerId(container.name)}\n`) : started;
  }

  async startContainer(name: string): Promise<ServiceResult> {
    const container = this.#state.containers.find((existing) => existing.name === name);
    if (!container) return fail(1, `Error response from daemon: No such container: ${name}\n`);
    container.stoppedByUser = false;
    await this.#save();
    if (this.#running.has(name)) return ok(`${name}\n`);
    const started = await this.#launchContainer(container);
    return started.exitCode === 0 ? ok(`${name}\n`) : started;
  }

  async stopContainer(name: string): Promise<ServiceResult> {
    const container = this.#state.containers.find((existing) => existing.name === name);
    if (!container) return fail(1, `Error response from daemon: No such container: ${name}\n`);
    container.stoppedByUser = true;
    await this.#save();
    const agent = this.#running.get(name);
    this.#running.delete(name);
    await agent?.stop();
    if (agent) this.#options.log(`docker: stopped agent container ${name}`);
    return ok(`${name}\n`);
  }

  async removeContainer(name: string, force: boolean): Promise<ServiceResult> {
    const container = this.#state.containers.find((existing) => existing.name === name);
    if (!container) return fail(1, `Error response from daemon: No such container: ${name}\n`);
    if (this.#running.has(name)) {
      if (!force) {
        return fail(
          1,
          `Error response from daemon: You cannot remove a running container ${containerId(name)}. Stop the container before attempting removal or force remove\n`,
        );
      }
      await this.stopContainer(name);
    }
    this.#state.containers = this.#state.containers.filter((existing) => existing.name !== name);
    await this.#save();
    return ok(`${name}\n`);
  }

  // --- internals ---

  async #launchContainer(container: AgentContainer): Promise<ServiceResult> {
    try {
      const agent = await this.#options.launchAgent(this.#options.hostView(container.env));
      this.#lastAgentEnvironment = { ...container.env };
      this.#running.set(container.name, agent);
      this.#options.log(`docker: agent container ${container.name} (${container.image}) started`);
      return ok();
    } catch (error) {
      this.#options.log(`docker: agent container ${container.name} failed to start: ${String(error)}`);
      return fail(125, `docker: lab agent failed to start: ${String(error)}\n`);
    }
  }

  async #restartContainers(): Promise<void> {
    for (const container of this.#state.containers) {
      const policy = container.restart.split(':')[0];
      const restarts = policy === 'always' || (policy === 'unless-stopped' && !container.stoppedByUser);
      if (restarts && !this.#running.has(container.name)) await this.#launchContainer(container);
      else if (!restarts)
        this.#options.log(`docker: container ${container.name} not restarted (--restart=${container.restart || 'no'})`);
    }
  }

  async #startEcs(): Promise<ServiceResult> {
    if (this.#ecs) return ok();
    const ecsInitEnv = await this.#ecsInitEnvironment();
    this.#lastEcsInitEnv = ecsInitEnv;
    try {
      for (const line of await ecsInitPreStart((file, args) => this.#exec(file, args), ecsInitEnv)) {
        this.#options.log(line);
      }
    } catch (error) {
      this.#options.log(`ecs-init: pre-start failed: ${String(error)}`);
      return fail(1, 'Job for ecs.service failed because the control process exited with error code.\n');
    }
    await this.#flushConntrack();
    const agentEnv = ecsInitAgentEnvironment(
      await this.#readInstanceFile('/var/lib/ecs/ecs.config'),
      await this.#readInstanceFile('/etc/ecs/ecs.config'),
    );
    try {
      const agent = await this.#options.launchAgent(this.#options.hostView(agentEnv));
      this.#ecs = { agent, ecsInitEnv };
      this.#lastAgentEnvironment = agentEnv;
      this.#options.log('ecs-init: agent started');
      return ok();
    } catch (error) {
      this.#options.log(`ecs-init: agent failed to start: ${String(error)}`);
      await ecsInitPostStop((file, args) => this.#exec(file, args), ecsInitEnv);
      return fail(1, 'Job for ecs.service failed because the control process exited with error code.\n');
    }
  }

  async #stopEcs(): Promise<ServiceResult> {
    const running = this.#ecs;
    if (!running) return ok();
    this.#ecs = undefined;
    await running.agent.stop().catch((error: unknown) => this.#options.log(`ecs: agent stop failed: ${String(error)}`));
    for (const line of await ecsInitPostStop((file, args) => this.#exec(file, args), running.ecsInitEnv)) {
      this.#options.log(line);
    }
    await this.#flushConntrack();
    this.#options.log('ecs-init: agent stopped');
    return ok();
  }

  async #startIptables(): Promise<ServiceResult> {
    const saved = await this.#readInstanceFile('/etc/sysconfig/iptables');
    if (saved === undefined) {
      this.#options.log('iptables: no /etc/sysconfig/iptables, nothing restored');
      this.#iptablesActive = true;
      return ok();
    }
    const restored = await this.#exec('iptables-restore', [], saved);
    if (restored.exitCode !== 0) {
      this.#options.log(`iptables: restore failed: ${restored.stderr.trim()}`);
      return fail(1, 'Job for iptables.service failed because the control process exited with error code.\n');
    }
    this.#iptablesActive = true;
    await this.#flushConntrack();
    this.#options.log('iptables: restored /etc/sysconfig/iptables');
    return ok('iptables: Applying firewall rules: [  OK  ]\n');
  }

  /** iptables.init stop: policies ACCEPT, every table flushed and its chains deleted. */
  async #stopIptables(): Promise<ServiceResult> {
    const script = ['filter', 'nat', 'mangle', 'raw']
      .map((table) => `iptables -t ${table} -F; iptables -t ${table} -X`)
      .concat(['iptables -P INPUT ACCEPT; iptables -P FORWARD ACCEPT; iptables -P OUTPUT ACCEPT'])
      .join('\n');
    await this.#exec('sh', ['-c', script]);
    await this.#flushConntrack();
    this.#iptablesActive = false;
    this.#options.log('iptables: stopped (all rules flushed)');
    return ok();
  }

  async #ecsInitEnvironment(): Promise<Record<string, string>> {
    if (this.profile.initSystem === 'upstart') {
      return parseUpstartOverride((await this.#readInstanceFile('/etc/init/ecs.override')) ?? '');
    }
    // systemd: Environment= lines first; EnvironmentFile= (the unit's ecs.config, then drop-ins') override them.
    const environment: Record<string, string> = {};
    const files = ['-/etc/ecs/ecs.config'];
    const dropInDir = '/etc/systemd/system/ecs.service.d';
    const names = await this.#listInstanceDir(dropInDir);
    for (const name of names.filter((file) => file.endsWith('.conf')).sort()) {
      const dropIn = parseDropIn((await this.#readInstanceFile(`${dropInDir}/${name}`)) ?? '');
      Object.assign(environment, dropIn.environment);
      files.push(...dropIn.environmentFiles);
    }
    for (const file of files) {
      const text = await this.#readInstanceFile(file.replace(/^-/, ''));
      if (text !== undefined) Object.assign(environment, parseSystemdEnvironmentFile(text));
    }
    return environment;
  }

  async #readInstanceFile(path: string): Promise<string | undefined> {
    try {
      return await readFile(this.#options.init().path(path), 'utf8');
    } catch {
      return undefined;
    }
  }

  async #listInstanceDir(path: string): Promise<string[]> {
    return readdir(this.#options.init().path(path)).catch(() => []);
  }

  #exec(file: string, args: readonly string[], input?: string): Promise<CommandResult> {
    return this.#options.init().exec(file, args, { allowFailure: true, input });
  }

  /** Runs a system command in the instance (no shims on PATH). */
  execInInstance(file: string, args: readonly string[], input?: string): Promise<CommandResult> {
    return this.#exec(file, args, input);
  }

  readInstanceFile(path: string): Promise<string | undefined> {
    return this.#readInstanceFile(path);
  }

  /**
   * Writes `net.*` keys (per network namespace, so per instance); other keys would change the whole
   * machine and are skipped with a note.
   */
  async applySysctl(settings: readonly [string, string][]): Promise<ServiceResult> {
    let stdout = '';
    let stderr = '';
    let exitCode = 0;
    for (const [key, value] of settings) {
      if (!isPerInstanceSysctl(key)) {
        stderr += `sysctl (lab): ${key} is not per-instance (it would change the whole machine); skipped\n`;
        continue;
      }
      const result = await this.#exec('sysctl', ['-w', `${key}=${value}`]);
      stdout += result.stdout ? `${result.stdout}\n` : '';
      stderr += result.stderr ? `${result.stderr}\n` : '';
      if (result.exitCode !== 0) exitCode = result.exitCode;
    }
    return { exitCode, stdout, stderr };
  }

  /** systemd-sysctl / rc.sysinit at boot: settings the instance's disk holds in /etc/sysctl.conf and /etc/sysctl.d. */
  async bootSysctl(): Promise<void> {
    const settings: [string, string][] = [];
    const dir = '/etc/sysctl.d';
    const files = (await readdir(join(this.#options.rootDir, dir)).catch(() => [] as string[]))
      .filter((name) => name.endsWith('.conf'))
      .sort()
      .map((name) => `${dir}/${name}`);
    for (const file of [...files, '/etc/sysctl.conf']) {
      const text = await readFile(join(this.#options.rootDir, file), 'utf8').catch(() => undefined);
      if (text !== undefined) settings.push(...parseSysctlFile(text));
    }
    if (settings.length === 0) return;
    const result = await this.applySysctl(settings);
    this.#options.log(
      `boot: sysctl settings from the instance's /etc applied (${settings.map(([key]) => key).join(', ')})`,
    );
    if (result.stderr) this.#options.log(result.stderr.trim());
  }

  async #flushConntrack(): Promise<void> {
    await this.#exec('conntrack', ['-F']);
  }

  async #save(): Promise<void> {
    await writeFile(this.#options.statePath, `${JSON.stringify(this.#state, null, 2)}\n`);
  }
}

function containerId(name: string): string {
  return Buffer.from(name.padEnd(32, '0')).toString('hex').slice(0, 64);
}

/** Network sysctls live in the network namespace; everything else is global to the machine. */
export function isPerInstanceSysctl(key: string): boolean {
  return /^net[./]/.test(key);
}

/** sysctl.conf syntax: `key = value`, `#`/`;` comments, a leading `-` ignores errors. */
export function parseSysctlFile(text: string): [string, string][] {
  const settings: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#') || line.startsWith(';')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    settings.push([line.slice(0, equals).trim().replace(/^-/, ''), line.slice(equals + 1).trim()]);
  }
  return settings;
}
