/**
 * The seam between the simulated EC2 host (host/) and the ECS agent simulator (agent/).
 * The host boots an instance (namespaces, IMDS, user data, ecs-init); whenever the instance's service
 * manager starts "ecs" (ecs-init on ECS-optimized AMIs, or the user data on a plain AMI), the host calls
 * the AgentLauncher; stopping "ecs" (or a reboot/shutdown) stops it.
 */

import type { Dimensions } from '../../core/matrix/dimensions.ts';

/** What the agent needs to know about the instance it runs on. */
export interface HostView {
  instanceId: string;
  /** Network namespace of the instance: the agent and host-mode tasks run in it. */
  netns: string;
  /** Per-instance filesystem root on the real filesystem (holds etc/ecs/ecs.config, var/log/ecs/…). */
  rootDir: string;
  /** Bridge inside the instance namespace that bridge-mode tasks attach to (the instance's docker0). */
  taskBridge: { name: string; gateway: string; prefixLength: number };
  /** Hands out a free address on the task bridge for one bridge-mode task. */
  allocateTaskAddress(): string;
  releaseTaskAddress(address: string): void;
  /**
   * EC2 attaching an ENI for an awsvpc task (absent: this host cannot): a device in the instance's namespace
   * on the instance's subnet, with its own address; detach when the task is gone.
   */
  attachTaskEni?(): Promise<TaskEni>;
  detachTaskEni?(id: string): Promise<void>;
  /** Control plane endpoint as reachable from inside the instance namespace (e.g. http://198.18.0.1:4566). */
  controlPlaneEndpoint: string;
  region: string;
  /** Environment the service manager gives the agent (from ecs.config proxy settings, systemd drop-ins…). */
  agentEnvironment: Record<string, string>;
  /**
   * The agent release this start runs: the tag of the agent image a plain AMI's `docker run` names, else
   * the AMI's own agent (ecs-init). The real agent runs that build; the model plays its behaviour.
   */
  agentVersion: Dimensions['agentVersion'];
}

/** An ENI attached to the instance for one awsvpc task, as the agent's CNI plugin gets it. */
export interface TaskEni {
  id: string;
  /** Its device name in the instance's namespace, until the agent moves it into the task's. */
  device: string;
  address: string;
  prefixLength: number;
  /** Where the subnet sends link-local traffic (IMDS): the VPC router. */
  vpcRouter: string;
}

export interface RunningAgent {
  stop(): Promise<void>;
}

export type AgentLauncher = (host: HostView) => Promise<RunningAgent>;
