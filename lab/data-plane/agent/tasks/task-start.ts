/**
 * What a task needs before its containers start, as Docker does it: each container's image (a pull would
 * fail on an unknown one), then its awslogs stream (the logging driver opens it at container create).
 * A failure is a TaskStartFailure: its message becomes the task's stoppedReason.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import type { ImageSpec } from '../../../images/catalog.ts';
import { resolveImage } from '../../../images/resolve-image.ts';
import { AwsLogsStream, awsLogsOptions, LoggingDriverError } from './awslogs.ts';

/** A task that cannot start: the reason becomes its stoppedReason. */
export class TaskStartFailure extends Error {}

/** How ECS shows a Docker daemon error when a container cannot start. */
export function daemonError(message: string): string {
  return `CannotStartContainerError: Error response from daemon: ${message}`;
}

/** The containers' images; their log streams are pushed to `streams` as they open (closed by the caller). */
export async function prepareContainers(
  containers: readonly ContainerDefinition[],
  options: { taskId: string; region: string; logs: CloudWatchLogsClient; log(level: 'warn', message: string): void },
  streams: AwsLogsStream[],
): Promise<ImageSpec[]> {
  const images = containers.map((container) => {
    const resolved = resolveImage(container.image ?? '');
    if (!resolved.ok) throw new TaskStartFailure(resolved.reason);
    return resolved.image;
  });
  for (const container of containers) {
    const logging = awsLogsOptions(container.logConfiguration, container.name ?? '', options.taskId, options.region);
    if (logging && 'error' in logging) throw new TaskStartFailure(daemonError(logging.error));
    if (!logging) continue;
    try {
      streams.push(await AwsLogsStream.open(options.logs, logging, (message) => options.log('warn', message)));
    } catch (error) {
      if (error instanceof LoggingDriverError) throw new TaskStartFailure(daemonError(error.message));
      throw error;
    }
  }
  return images;
}

/** A promise's outcome as a value, so two can run side by side and be looked at in a chosen order. */
export function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
