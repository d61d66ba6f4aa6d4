/**
 * Test support: a mini host with the real lab agent running in it (launcher → agent process in the
 * namespace), plus helpers to run one task through ECS (moto) and read its CloudWatch log.
 */
import { join } from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  type ContainerDefinition,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Volume,
} from '@aws-sdk/client-ecs';
import { useResource } from '../../../testing/use-resource.ts';
import { buildImageRoots } from '../../images/image-roots.ts';
import type { AgentEvent } from '../agent/agent.ts';
import type { TaskRoleIssuer } from '../agent/ecs-backend.ts';
import { readEcsConfigFile } from '../agent/ecs-config.ts';
import { type LabRunningAgent, launchLabAgent } from '../agent/launcher.ts';
import type { TaskEvent } from '../agent/task-manager.ts';
import { ECS_INIT_AGENT_DEFAULTS } from '../host/service-config.ts';
import { createMiniHost, type MiniHost, type MiniHostOptions, REGION } from './mini-host.ts';

export const LOG_GROUP = 'ecs-tasks';

export interface AgentLab {
  mini: MiniHost;
  agent: LabRunningAgent;
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  /** Registers a one-container task definition, runs it on the instance, waits for STOPPED, reads its log. */
  runTask(options: RunTaskOptions): Promise<TaskRun>;
  destroy(): Promise<void>;
}

export interface RunTaskOptions {
  container: Partial<ContainerDefinition>;
  networkMode?: 'bridge' | 'host' | 'none';
  /** The task definition's volumes (host paths the container's mountPoints name). */
  volumes?: Volume[];
  taskRoleArn?: string | null;
  /** StopTask after this many ms (a "hard kill" check). */
  stopAfterMs?: number;
  timeoutMs?: number;
}

export interface TaskRun {
  taskArn: string;
  stopped: TaskEvent;
  lines: string[];
}

export interface AgentLabOptions extends MiniHostOptions {
  /** The instance's /etc/ecs/ecs.config (default: names the cluster, plus ecsConfigExtra). */
  ecsConfig?: string;
  /** Lines appended to the generated ecs.config (which names the cluster). */
  ecsConfigExtra?: string;
  /** Makes the launcher assume task roles (as with the control plane's helper) instead of the agent. */
  issuer?: (mini: MiniHost) => TaskRoleIssuer;
  /** Resolve once registered (default true). */
  waitForRegistration?: boolean;
}

/** One agent lab for the tests of a spec file or describe block (started before the first, destroyed after the last). */
export function useAgentLab(options: AgentLabOptions = {}): () => AgentLab {
  return useResource('the agent lab', () => startAgentLab(options));
}

export async function startAgentLab(options: AgentLabOptions = {}): Promise<AgentLab> {
  const mini = await createMiniHost(options);
  // What ecs-init hands the agent on an ECS-optimized AMI: its defaults, then /etc/ecs/ecs.config.
  const ecsConfig = options.ecsConfig ?? `ECS_CLUSTER=${mini.clusterName}\n${options.ecsConfigExtra ?? ''}`;
  mini.host.agentEnvironment = { ...ECS_INIT_AGENT_DEFAULTS, ...readEcsConfigFile(ecsConfig) };
  const aws = {
    endpoint: mini.moto.endpoint,
    region: REGION,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDLABHARNESS', secretAccessKey: 'lab' },
  };
  const ecs = new ECSClient(aws);
  const logs = new CloudWatchLogsClient(aws);
  let agent: LabRunningAgent | undefined;
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
    const images = await buildImageRoots(join(mini.dir, 'images'));
    const listeners = new Set<(event: AgentEvent) => void>();
    agent = await launchLabAgent(mini.host, {
      serviceIdentity: mini.serviceIdentity,
      stateChange: 'stop-task',
      imagesDir: images.dir,
      pollIntervalMs: 300,
      ...(options.issuer ? { issueTaskRoleCredentials: options.issuer(mini) } : {}),
      onEvent: (_host, event) => {
        for (const listener of listeners) listener(event);
      },
    });
    const running = agent;
    if (options.waitForRegistration !== false) await running.registered;
    let family = 0;
    return {
      mini,
      agent: running,
      ecs,
      logs,
      async runTask(run) {
        family += 1;
        const container: ContainerDefinition = {
          name: 'app',
          image: 'public.ecr.aws/amazonlinux/amazonlinux:2023.9.20251208.0',
          memory: 128,
          essential: true,
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': LOG_GROUP, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'iam-role-test' },
          },
          ...run.container,
        };
        const definition = await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: `lab-spec-${family}`,
            containerDefinitions: [container],
            ...(run.networkMode ? { networkMode: run.networkMode } : {}),
            ...(run.volumes ? { volumes: run.volumes } : {}),
            ...(run.taskRoleArn === null ? {} : { taskRoleArn: run.taskRoleArn ?? mini.taskRoleArn }),
            requiresCompatibilities: ['EC2'],
          }),
        );
        const stoppedEvents = new Map<string, TaskEvent>();
        let notify: () => void = () => {};
        const listener = (event: AgentEvent) => {
          if (event.type === 'task' && event.status === 'STOPPED') {
            stoppedEvents.set(event.taskArn, event);
            notify();
          }
        };
        listeners.add(listener);
        try {
          const started = await ecs.send(
            new RunTaskCommand({
              cluster: mini.clusterName,
              taskDefinition: definition.taskDefinition?.taskDefinitionArn,
            }),
          );
          const taskArn = started.tasks?.[0]?.taskArn ?? '';
          if (!taskArn) throw new Error(`RunTask placed nothing: ${JSON.stringify(started.failures)}`);
          if (run.stopAfterMs !== undefined) {
            setTimeout(() => {
              void ecs.send(
                new StopTaskCommand({ cluster: mini.clusterName, task: taskArn, reason: 'Task stopped by user' }),
              );
            }, run.stopAfterMs);
          }
          const deadline = Date.now() + (run.timeoutMs ?? 180_000);
          while (!stoppedEvents.has(taskArn)) {
            if (Date.now() > deadline) throw new Error(`task ${taskArn} did not stop in time`);
            await new Promise<void>((resolve) => {
              notify = resolve;
              setTimeout(resolve, 500);
            });
          }
          const stopped = stoppedEvents.get(taskArn) as TaskEvent;
          const taskId = taskArn.split('/').pop();
          const events = await logs
            .send(
              new GetLogEventsCommand({
                logGroupName: LOG_GROUP,
                logStreamName: `iam-role-test/${container.name}/${taskId}`,
                startFromHead: true,
              }),
            )
            .catch(() => ({ events: [] }));
          return { taskArn, stopped, lines: (events.events ?? []).map((event) => event.message ?? '') };
        } finally {
          listeners.delete(listener);
        }
      },
      async destroy() {
        try {
          await running.stop();
        } finally {
          await mini.destroy();
        }
      },
    };
  } catch (error) {
    await agent?.stop().catch(() => undefined);
    await mini.destroy();
    throw error;
  }
}
