import { setTimeout as sleep } from 'node:timers/promises';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeregisterTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSServiceException,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type RunTaskCommandOutput,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import type { CellEvidence } from '../../core/classify/evidence.ts';
import type { PlannedCell } from '../../core/plan/plan.ts';
import { logStreamOf, type TaskDefinitionContext, taskDefinitionFor } from '../task-definition/task-definition.ts';
import { awsvpcConfigurationFor } from './awsvpc-configuration.ts';
import type { AwsClients } from './clients.ts';
import { CellTimeoutError, type TaskEvidence } from './driver-types.ts';

/** Between DescribeTasks polls where the control plane does not push (AWS throttles DescribeTasks). */
const POLL_MS = 1_000;

export interface CellRun {
  cluster: string;
  instanceId: string;
  definition: TaskDefinitionContext;
}

/** How long reading what a timed-out task logged may take. */
const TIMED_OUT_LOG_READ_MS = 5_000;

/**
 * One cell: register its task definition, RunTask pinned to its group's instance, wait for STOPPED, read
 * the log stream. Past the signal's deadline the task is stopped and a CellTimeoutError carries what it
 * logged so far. The task definition is deregistered either way.
 */
export async function runCellTask(
  clients: AwsClients,
  cell: PlannedCell,
  run: CellRun,
  signal: AbortSignal,
): Promise<TaskEvidence> {
  const input = taskDefinitionFor(cell, run.definition);
  const registered = await clients.ecs.send(new RegisterTaskDefinitionCommand(input), { abortSignal: signal });
  const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn ?? '';
  const deregister = () =>
    clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })).catch(() => undefined);
  let deregistered: Promise<unknown> | undefined;
  let taskArn: string | undefined;
  try {
    const started = await startTask(clients, run, input, taskDefinitionArn, signal);
    if ('runTaskRefusal' in started) {
      const refused: TaskEvidence & Pick<CellEvidence, 'runTaskRefusal'> = {
        logLines: [],
        failures: [],
        runTaskRefusal: started.runTaskRefusal,
        taskDefinition: input,
      };
      return refused;
    }
    taskArn = started.tasks?.[0]?.taskArn;
    const failures = failuresOf(started);
    if (!taskArn) return { logLines: [], failures, taskDefinition: input };
    const task = await waitForStopped(clients, run.cluster, taskArn, signal);
    // The definition is done with once its task stopped: deregistered while the log is read.
    deregistered = deregister();
    const logLines = await readLog(clients, run.definition.logGroup, logStreamOf(input, taskArn));
    return stoppedEvidence(task, taskArn, logLines, failures, input);
  } catch (error) {
    if (!signal.aborted) throw error;
    return await stopTimedOutTask(clients, run, input, taskArn);
  } finally {
    await (deregistered ?? deregister());
  }
}

type TaskDefinitionInput = ReturnType<typeof taskDefinitionFor>;

/** RunTask pinned to the group's instance; a refusal by ECS itself comes back as `runTaskRefusal`. */
async function startTask(
  clients: AwsClients,
  run: CellRun,
  input: TaskDefinitionInput,
  taskDefinitionArn: string,
  signal: AbortSignal,
): Promise<RunTaskCommandOutput | { runTaskRefusal: string }> {
  return clients.ecs
    .send(
      new RunTaskCommand({
        cluster: run.cluster,
        taskDefinition: taskDefinitionArn,
        placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${run.instanceId}` }],
        startedBy: 'ecs-taskrole',
        ...(input.networkMode === 'awsvpc'
          ? { networkConfiguration: await awsvpcConfigurationFor(clients, run.instanceId) }
          : {}),
      }),
      { abortSignal: signal },
    )
    .catch(refusedByEcs);
}

function failuresOf(started: RunTaskCommandOutput): TaskEvidence['failures'] {
  return (started.failures ?? []).map((failure) => ({
    ...(failure.arn ? { arn: failure.arn } : {}),
    reason: failure.reason ?? '',
    ...(failure.detail ? { detail: failure.detail } : {}),
  }));
}

function stoppedEvidence(
  task: Task,
  taskArn: string,
  logLines: string[],
  failures: TaskEvidence['failures'],
  input: TaskDefinitionInput,
): TaskEvidence {
  const exitCode = task.containers?.[0]?.exitCode;
  const ran = task.startedAt && task.stoppedAt ? task.stoppedAt.getTime() - task.startedAt.getTime() : undefined;
  return {
    taskArn,
    ...(ran !== undefined ? { taskRunMs: ran } : {}),
    logLines,
    failures,
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...stoppedReasonOf(task),
    taskDefinition: input,
  };
}

/** Past the cell's deadline: stop the task, and throw a CellTimeoutError with what it logged so far. */
async function stopTimedOutTask(
  clients: AwsClients,
  run: CellRun,
  input: TaskDefinitionInput,
  taskArn: string | undefined,
): Promise<never> {
  if (!taskArn) throw new CellTimeoutError({ logLines: [], failures: [], taskDefinition: input });
  await clients.ecs
    .send(new StopTaskCommand({ cluster: run.cluster, task: taskArn, reason: 'ecs-taskrole: cell time limit' }))
    .catch(() => undefined);
  const logLines = await withTimeout(readLog(clients, run.definition.logGroup, logStreamOf(input, taskArn)));
  throw new CellTimeoutError({ taskArn, logLines: logLines ?? [], failures: [], taskDefinition: input });
}

/**
 * The task's stoppedReason, with its container's own reason when ECS gives one: an OOM kill is "Essential
 * container in task exited" on the task and "OutOfMemoryError: Container killed due to memory usage" on the
 * container (the agent's OutOfMemoryError), and the reader needs the second.
 */
function stoppedReasonOf(task: Task): { stoppedReason?: string } {
  const containerReason = task.containers?.find((container) => container.reason)?.reason;
  const reasons = [task.stoppedReason, containerReason && `container: ${containerReason}`].filter(Boolean);
  return reasons.length > 0 ? { stoppedReason: reasons.join('; ') } : {};
}

/**
 * RunTask refused by ECS itself (a 4xx service error: AWS's ClientException for a task role it cannot
 * assume, AccessDenied…): no task exists, and the refusal is the cell's evidence. Anything else rethrows.
 */
function refusedByEcs(error: unknown): { runTaskRefusal: string } {
  if (error instanceof ECSServiceException && error.$fault === 'client') {
    return { runTaskRefusal: `${error.name}: ${error.message}` };
  }
  throw error;
}

function withTimeout<T>(promise: Promise<T>): Promise<T | undefined> {
  const timeout = sleep(TIMED_OUT_LOG_READ_MS, undefined, { ref: false });
  return Promise.race([promise.catch(() => undefined), timeout]);
}

async function waitForStopped(
  clients: AwsClients,
  cluster: string,
  taskArn: string,
  signal: AbortSignal,
): Promise<Task> {
  for (;;) {
    const { tasks } = await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }), {
      abortSignal: signal,
    });
    const task = tasks?.[0];
    if (task?.lastStatus === 'STOPPED') return task;
    if (!clients.taskPush.active) await sleep(POLL_MS, undefined, { signal });
  }
}

/** The whole stream, oldest first; a stream that never appeared (the task never logged) is empty. */
async function readLog(clients: AwsClients, logGroupName: string, logStreamName: string): Promise<string[]> {
  const lines: string[] = [];
  let nextToken: string | undefined;
  for (;;) {
    const page = await clients.logs
      .send(new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true, nextToken }))
      .catch((error: unknown) => {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
        throw error;
      });
    if (!page) return lines;
    for (const event of page.events ?? []) lines.push(event.message ?? '');
    if (!page.nextForwardToken || page.nextForwardToken === nextToken || (page.events ?? []).length === 0) return lines;
    nextToken = page.nextForwardToken;
  }
}
