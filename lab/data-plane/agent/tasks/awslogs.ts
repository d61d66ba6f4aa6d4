/**
 * The `awslogs` log driver as Docker runs it for an ECS container: the stream is created when the container
 * starts (a missing group fails the start unless `awslogs-create-group` is true), each output line becomes
 * one event, events go out in batches. ECS names the stream `<prefix>/<container name>/<task id>` when
 * `awslogs-stream-prefix` is set. The daemon signs with the instance role (from IMDS), not the task role.
 */
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  type InputLogEvent,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';

export interface AwsLogsOptions {
  group: string;
  region: string;
  stream: string;
  createGroup: boolean;
}

/** Reads a container definition's awslogs options; undefined when another driver (or none) is set. */
export function awsLogsOptions(
  logConfiguration: { logDriver?: string; options?: Record<string, string> } | undefined,
  containerName: string,
  taskId: string,
  defaultRegion: string,
): AwsLogsOptions | { error: string } | undefined {
  if (logConfiguration?.logDriver !== 'awslogs') return undefined;
  const options = logConfiguration.options ?? {};
  const group = options['awslogs-group'];
  if (!group) return { error: "failed to initialize logging driver: must specify a value for log opt 'awslogs-group'" };
  const prefix = options['awslogs-stream-prefix'];
  return {
    group,
    region: options['awslogs-region'] ?? defaultRegion,
    // Without a prefix Docker names the stream after the container ID; the lab uses the task id.
    stream: prefix ? `${prefix}/${containerName}/${taskId}` : taskId,
    createGroup: options['awslogs-create-group'] === 'true',
  };
}

export class LoggingDriverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoggingDriverError';
  }
}

const FLUSH_INTERVAL_MS = 1000;
const MAX_BATCH = 1000;

export class AwsLogsStream {
  readonly #client: CloudWatchLogsClient;
  readonly #options: AwsLogsOptions;
  readonly #onError: (message: string) => void;
  #events: InputLogEvent[] = [];
  #sending: Promise<void> = Promise.resolve();
  readonly #timer: NodeJS.Timeout;

  private constructor(client: CloudWatchLogsClient, options: AwsLogsOptions, onError: (message: string) => void) {
    this.#client = client;
    this.#options = options;
    this.#onError = onError;
    this.#timer = setInterval(() => this.#flush(), FLUSH_INTERVAL_MS);
  }

  /** Creates the stream (and the group when asked) or throws the daemon's error text. */
  static async open(
    client: CloudWatchLogsClient,
    options: AwsLogsOptions,
    onError: (message: string) => void,
  ): Promise<AwsLogsStream> {
    if (options.createGroup) {
      try {
        await client.send(new CreateLogGroupCommand({ logGroupName: options.group }));
      } catch (error) {
        if (errorName(error) !== 'ResourceAlreadyExistsException') {
          throw new LoggingDriverError(
            `failed to initialize logging driver: failed to create Cloudwatch log group: ${formatAwsError(error)}`,
          );
        }
      }
    }
    try {
      await client.send(new CreateLogStreamCommand({ logGroupName: options.group, logStreamName: options.stream }));
    } catch (error) {
      if (errorName(error) !== 'ResourceAlreadyExistsException') {
        throw new LoggingDriverError(
          `failed to initialize logging driver: failed to create Cloudwatch log stream: ${formatAwsError(error)}`,
        );
      }
    }
    return new AwsLogsStream(client, options, onError);
  }

  get streamName(): string {
    return this.#options.stream;
  }

  /** One output line; empty lines are dropped like Docker does (CloudWatch rejects empty messages). */
  push(line: string, timestamp = Date.now()): void {
    if (line === '') return;
    this.#events.push({ message: line, timestamp });
    if (this.#events.length >= MAX_BATCH) this.#flush();
  }

  /** Sends what is buffered and stops the timer. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#flush();
    await this.#sending;
  }

  #flush(): void {
    if (this.#events.length === 0) return;
    const batch = this.#events;
    this.#events = [];
    this.#sending = this.#sending.then(async () => {
      try {
        await this.#client.send(
          new PutLogEventsCommand({
            logGroupName: this.#options.group,
            logStreamName: this.#options.stream,
            logEvents: batch,
          }),
        );
      } catch (error) {
        this.#onError(
          `awslogs: PutLogEvents to ${this.#options.group}/${this.#options.stream} failed: ${formatAwsError(error)}`,
        );
      }
    });
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** The AWS SDK for Go's "<Code>: <message>" form. */
function formatAwsError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
