import { DEFAULT_BASELINE } from '../../../../core/matrix/dimensions.ts';
import type { HostView, RunningAgent } from '../../contracts.ts';
import type { AmiProfile } from '../ami-profiles.ts';
import { ecsInitPostStop, ecsInitPreStart } from '../ecs-init.ts';
import {
  ecsInitAgentEnvironment,
  parseDropIn,
  parseSystemdEnvironmentFile,
  parseUpstartOverride,
  type UnitDropIn,
} from '../service-config.ts';
import type { InstanceAccess } from './instance-access.ts';
import { fail, ok, type ServiceResult } from './service-result.ts';

export interface AgentLaunch {
  /** Builds the HostView handed to the agent launcher, with the agent's environment. */
  hostView: (agentEnvironment: Record<string, string>, agentVersion: HostView['agentVersion']) => HostView;
  launchAgent: (view: HostView) => Promise<RunningAgent>;
  /** Told the environment of every agent that starts (the last one is what the instance shows). */
  started: (agentEnvironment: Record<string, string>) => void;
}

const JOB_FAILED = 'Job for ecs.service failed because the control process exited with error code.\n';

/** The `ecs` service (ecs-init): its host rules before the agent starts, and their removal after it stops. */
export class EcsService {
  readonly #instance: InstanceAccess;
  readonly #initSystem: AmiProfile['initSystem'];
  readonly #agents: AgentLaunch;
  #running: { agent: RunningAgent; ecsInitEnv: Record<string, string> } | undefined;
  #lastEcsInitEnv: Record<string, string> = {};
  /** ecs.service's drop-ins as systemd last loaded them (at boot, at `daemon-reload`); upstart has none. */
  #loadedDropIns: UnitDropIn[] = [];

  constructor(instance: InstanceAccess, initSystem: AmiProfile['initSystem'], agents: AgentLaunch) {
    this.#instance = instance;
    this.#initSystem = initSystem;
    this.#agents = agents;
  }

  get active(): boolean {
    return this.#running !== undefined;
  }

  /** The environment ecs-init itself ran with last (its unit's Environment/EnvironmentFile, or upstart's). */
  get ecsInitEnvironment(): Record<string, string> {
    return { ...this.#lastEcsInitEnv };
  }

  async start(): Promise<ServiceResult> {
    if (this.#running) return ok();
    const log = this.#instance.log;
    const exec = (file: string, args: readonly string[]) => this.#instance.exec(file, args);
    const ecsInitEnv = await this.#ecsInitEnvironment();
    this.#lastEcsInitEnv = ecsInitEnv;
    try {
      for (const line of await ecsInitPreStart(exec, ecsInitEnv)) log(line);
    } catch (error) {
      log(`ecs-init: pre-start failed: ${String(error)}`);
      return fail(1, JOB_FAILED);
    }
    await this.#instance.flushConntrack();
    const agentEnv = ecsInitAgentEnvironment(
      await this.#instance.readFile('/var/lib/ecs/ecs.config'),
      await this.#instance.readFile('/etc/ecs/ecs.config'),
    );
    try {
      // ecs-init starts the agent the AMI (or its package) carries: the default release.
      const agent = await this.#agents.launchAgent(this.#agents.hostView(agentEnv, DEFAULT_BASELINE.agentVersion));
      this.#running = { agent, ecsInitEnv };
      this.#agents.started(agentEnv);
      log('ecs-init: agent started');
      return ok();
    } catch (error) {
      log(`ecs-init: agent failed to start: ${String(error)}`);
      await ecsInitPostStop(exec, ecsInitEnv);
      return fail(1, JOB_FAILED);
    }
  }

  async stop(): Promise<ServiceResult> {
    const running = this.#running;
    if (!running) return ok();
    const log = this.#instance.log;
    this.#running = undefined;
    await running.agent.stop().catch((error: unknown) => log(`ecs: agent stop failed: ${String(error)}`));
    const exec = (file: string, args: readonly string[]) => this.#instance.exec(file, args);
    for (const line of await ecsInitPostStop(exec, running.ecsInitEnv)) log(line);
    await this.#instance.flushConntrack();
    log('ecs-init: agent stopped');
    return ok();
  }

  /** Power off: the agent gets its stop call; ecs-init's post-stop never runs (the kernel state dies). */
  async powerOff(): Promise<void> {
    if (!this.#running) return;
    const { agent } = this.#running;
    this.#running = undefined;
    await agent.stop().catch((error: unknown) => this.#instance.log(`ecs: agent stop failed: ${String(error)}`));
  }

  /**
   * systemd reads a unit's drop-ins when it loads the unit (boot, `systemctl daemon-reload`), not when it
   * starts it: one written later counts only after a reload (systemd.unit(5)). EnvironmentFile= files, by
   * contrast, are read at every start (systemd.exec(5)).
   */
  async loadUnit(): Promise<void> {
    if (this.#initSystem === 'upstart') return;
    const dropInDir = '/etc/systemd/system/ecs.service.d';
    const names = (await this.#instance.listDir(dropInDir)).filter((file) => file.endsWith('.conf')).sort();
    const dropIns: UnitDropIn[] = [];
    for (const name of names) dropIns.push(parseDropIn((await this.#instance.readFile(`${dropInDir}/${name}`)) ?? ''));
    this.#loadedDropIns = dropIns;
  }

  async #ecsInitEnvironment(): Promise<Record<string, string>> {
    if (this.#initSystem === 'upstart') {
      return parseUpstartOverride((await this.#instance.readFile('/etc/init/ecs.override')) ?? '');
    }
    // systemd: Environment= lines first; EnvironmentFile= (the unit's ecs.config, then drop-ins') override them.
    const environment: Record<string, string> = {};
    const files = ['-/etc/ecs/ecs.config'];
    for (const dropIn of this.#loadedDropIns) {
      Object.assign(environment, dropIn.environment);
      files.push(...dropIn.environmentFiles);
    }
    for (const file of files) {
      const text = await this.#instance.readFile(file.replace(/^-/, ''));
      if (text !== undefined) Object.assign(environment, parseSystemdEnvironmentFile(text));
    }
    return environment;
  }
}
