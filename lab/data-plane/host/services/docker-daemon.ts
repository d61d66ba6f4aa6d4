import { DEFAULT_BASELINE } from '../../../../core/matrix/dimensions.ts';
import { agentVersionOfImage } from '../../../../infra/user-data/agent-image.ts';
import type { HostView, RunningAgent } from '../../contracts.ts';
import { dockerStartScript } from '../docker-network.ts';
import type { AgentLaunch } from './ecs-service.ts';
import type { InstanceAccess } from './instance-access.ts';
import { fail, ok, type ServiceResult } from './service-result.ts';

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

/** docker's containers as they survive a reboot (kept in the instance's persistent state). */
export interface DockerDisk {
  containers: AgentContainer[];
  save(): Promise<void>;
}

/**
 * dockerd as far as task-role credentials care: its network (docker0 and its rules) and containers of the
 * agent image only (each one a lab agent).
 */
export class DockerDaemon {
  readonly #instance: InstanceAccess;
  readonly #disk: DockerDisk;
  readonly #agents: AgentLaunch;
  readonly #running = new Map<string, RunningAgent>();
  #active = false;

  constructor(instance: InstanceAccess, disk: DockerDisk, agents: AgentLaunch) {
    this.#instance = instance;
    this.#disk = disk;
    this.#agents = agents;
  }

  /** dockerd runs (started by its unit): the docker CLI can reach it. */
  get active(): boolean {
    return this.#active;
  }

  get agentRunning(): boolean {
    return this.#running.size > 0;
  }

  /** dockerd's start: the docker0 bridge and its iptables rules (idempotent). */
  async start(): Promise<ServiceResult> {
    const result = await this.#instance.exec('sh', ['-c', dockerStartScript()]);
    if (result.exitCode !== 0) return fail(1, `docker: network setup failed: ${result.stderr}`);
    this.#active = true;
    this.#instance.log('docker: docker0 and its iptables rules in place');
    return ok();
  }

  /** `systemctl stop docker`: the lab keeps docker0 and its rules, and the agent containers keep running. */
  async stop(): Promise<ServiceResult> {
    this.#instance.log('service: docker stop ignored (lab: docker keeps running)');
    return ok();
  }

  containers(): AgentContainer[] {
    return this.#disk.containers.map((container) => ({ ...container }));
  }

  containerRunning(name: string): boolean {
    return this.#running.has(name);
  }

  async runContainer(container: AgentContainer): Promise<ServiceResult> {
    if (this.#disk.containers.some((existing) => existing.name === container.name)) {
      return fail(
        125,
        `docker: Error response from daemon: Conflict. The container name "/${container.name}" is already in use.\n`,
      );
    }
    this.#disk.containers.push(container);
    await this.#disk.save();
    const started = await this.#launch(container);
    return started.exitCode === 0 ? ok(`${containerId(container.name)}\n`) : started;
  }

  async startContainer(name: string): Promise<ServiceResult> {
    const container = this.#find(name);
    if (!container) return noSuchContainer(name);
    container.stoppedByUser = false;
    await this.#disk.save();
    if (this.#running.has(name)) return ok(`${name}\n`);
    const started = await this.#launch(container);
    return started.exitCode === 0 ? ok(`${name}\n`) : started;
  }

  async stopContainer(name: string): Promise<ServiceResult> {
    const container = this.#find(name);
    if (!container) return noSuchContainer(name);
    container.stoppedByUser = true;
    await this.#disk.save();
    const agent = this.#running.get(name);
    this.#running.delete(name);
    await agent?.stop();
    if (agent) this.#instance.log(`docker: stopped agent container ${name}`);
    return ok(`${name}\n`);
  }

  async removeContainer(name: string, force: boolean): Promise<ServiceResult> {
    const container = this.#find(name);
    if (!container) return noSuchContainer(name);
    if (this.#running.has(name)) {
      if (!force) {
        return fail(
          1,
          `Error response from daemon: You cannot remove a running container ${containerId(name)}. Stop the container before attempting removal or force remove\n`,
        );
      }
      await this.stopContainer(name);
    }
    this.#disk.containers = this.#disk.containers.filter((existing) => existing.name !== name);
    await this.#disk.save();
    return ok(`${name}\n`);
  }

  /** After a reboot: containers whose --restart policy says so start again. */
  async restartContainers(): Promise<void> {
    for (const container of this.#disk.containers) {
      const policy = container.restart.split(':')[0];
      const restarts = policy === 'always' || (policy === 'unless-stopped' && !container.stoppedByUser);
      if (restarts && !this.#running.has(container.name)) await this.#launch(container);
      else if (!restarts)
        this.#instance.log(
          `docker: container ${container.name} not restarted (--restart=${container.restart || 'no'})`,
        );
    }
  }

  /** Power off: every agent container gets its stop call; dockerd is gone until its unit starts it. */
  async powerOff(): Promise<void> {
    this.#active = false;
    for (const [name, agent] of this.#running) {
      this.#running.delete(name);
      await agent.stop().catch((error: unknown) => this.#instance.log(`docker: agent stop failed: ${String(error)}`));
    }
  }

  #find(name: string): AgentContainer | undefined {
    return this.#disk.containers.find((existing) => existing.name === name);
  }

  async #launch(container: AgentContainer): Promise<ServiceResult> {
    try {
      const version = agentVersionOfImage(container.image) ?? DEFAULT_BASELINE.agentVersion;
      const view: HostView = this.#agents.hostView(container.env, version);
      const agent = await this.#agents.launchAgent(view);
      this.#agents.started(container.env);
      this.#running.set(container.name, agent);
      this.#instance.log(`docker: agent container ${container.name} (${container.image}) started`);
      return ok();
    } catch (error) {
      this.#instance.log(`docker: agent container ${container.name} failed to start: ${String(error)}`);
      return fail(125, `docker: lab agent failed to start: ${String(error)}\n`);
    }
  }
}

const noSuchContainer = (name: string) => fail(1, `Error response from daemon: No such container: ${name}\n`);

function containerId(name: string): string {
  return Buffer.from(name.padEnd(32, '0')).toString('hex').slice(0, 64);
}
