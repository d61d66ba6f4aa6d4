/**
 * The agent's conversation with ECS, in the lab's shape:
 * - as the instance (instance-role credentials from IMDS, through the agent's proxy rules):
 *   RegisterContainerInstance and SubmitTaskStateChange, as the real agent does;
 * - as the lab's ECS-service identity: ListTasks/DescribeTasks/DescribeTaskDefinition stand in for ACS,
 *   which pushes tasks to the real agent over a websocket (also through the agent's proxy); and
 *   sts:AssumeRole of the task role, which the ECS backend does before a task starts (the control plane
 *   evaluates the role's trust policy for `ecs-tasks.amazonaws.com`).
 * With a plain moto (no SubmitTaskStateChange) the STOPPED report is a StopTask with the reason.
 */
import {
  type Attribute,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  StopTaskCommand,
  SubmitTaskStateChangeCommand,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type TaskPush, waitForTaskChanges } from '../../control-plane/task-push.ts';
import type { RoleCredentials } from './credentials/credentials-store.ts';
import type { ProxySettings } from './ecs-config.ts';
import { proxyAwareRequestHandler } from './net/agent-http.ts';
import type { InstanceIdentity } from './net/imds-client.ts';
import type { CredentialsProvider, SdkCredentials } from './net/instance-credentials.ts';

export type StateChangeMode = 'submit' | 'stop-task';

export interface EcsBackendOptions {
  endpoint: string;
  region: string;
  proxy: ProxySettings;
  instanceCredentials: CredentialsProvider;
  serviceIdentity: SdkCredentials;
  stateChange: StateChangeMode;
  /** Overrides how task-role credentials are issued (the control plane's `assumeRoleAs('ecs-tasks', …)`). */
  issueTaskRoleCredentials?: TaskRoleIssuer;
}

export type TaskRoleIssuer = (roleArn: string, sessionName: string) => Promise<RoleCredentials>;

/** ECS could not assume the task role: the task stops before any container starts. */
export class RoleNotAssumableError extends Error {
  constructor(roleArn: string, options?: { cause?: unknown }) {
    super(
      `ECS was unable to assume the role '${roleArn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`,
      options,
    );
    this.name = 'RoleNotAssumableError';
  }
}

export interface ContainerReport {
  containerName: string;
  runtimeId?: string;
  status: 'RUNNING' | 'STOPPED';
  exitCode?: number;
  reason?: string;
}

export class EcsBackend {
  readonly #asInstance: ECSClient;
  readonly #asService: ECSClient;
  readonly #options: EcsBackendOptions;
  readonly #issue: TaskRoleIssuer;
  /** The lab control plane's stand-in for ACS pushing tasks: ListTasks waits for a task change. */
  readonly #taskPush: TaskPush;

  constructor(options: EcsBackendOptions) {
    this.#options = options;
    const common = {
      endpoint: options.endpoint,
      region: options.region,
      maxAttempts: 1,
      requestHandler: proxyAwareRequestHandler(options.proxy),
    };
    this.#asInstance = new ECSClient({ ...common, credentials: options.instanceCredentials });
    this.#asService = new ECSClient({ ...common, credentials: options.serviceIdentity });
    this.#taskPush = waitForTaskChanges(this.#asService, 'ListTasksCommand');
    this.#issue = options.issueTaskRoleCredentials ?? stsTaskRoleIssuer(options);
  }

  async registerContainerInstance(
    cluster: string,
    identity: InstanceIdentity,
    attributes: Attribute[],
  ): Promise<string> {
    const response = await this.#asInstance.send(
      new RegisterContainerInstanceCommand({
        cluster,
        instanceIdentityDocument: identity.documentText,
        instanceIdentityDocumentSignature: identity.signature,
        attributes,
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 3904 },
          { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
          { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
        ],
        versionInfo: { agentVersion: '0.0.0-lab', agentHash: 'lab', dockerVersion: 'DockerVersion: lab-unshare' },
      }),
    );
    const arn = response.containerInstance?.containerInstanceArn;
    if (!arn) throw new Error('RegisterContainerInstance returned no containerInstanceArn');
    return arn;
  }

  /** True once the control plane answers task polls only when tasks changed (no pause needed between polls). */
  get pushesTasks(): boolean {
    return this.#taskPush.active;
  }

  /**
   * Tasks ECS placed on this instance that should run, plus the current state of `tracked` ones. On the lab
   * control plane this waits for a task change (up to a few seconds); `signal` ends the wait.
   */
  async tasksFor(
    cluster: string,
    containerInstanceArn: string,
    tracked: readonly string[],
    signal?: AbortSignal,
  ): Promise<Task[]> {
    const listed = await this.#asService.send(
      new ListTasksCommand({ cluster, containerInstance: containerInstanceArn, desiredStatus: 'RUNNING' }),
      signal ? { abortSignal: signal } : {},
    );
    const arns = [...new Set([...(listed.taskArns ?? []), ...tracked])];
    const tasks: Task[] = [];
    for (let start = 0; start < arns.length; start += 100) {
      const described = await this.#asService.send(
        new DescribeTasksCommand({ cluster, tasks: arns.slice(start, start + 100) }),
      );
      tasks.push(...(described.tasks ?? []));
    }
    return tasks.filter((task) => !task.containerInstanceArn || task.containerInstanceArn === containerInstanceArn);
  }

  async taskDefinition(arn: string): Promise<TaskDefinition> {
    const response = await this.#asService.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    if (!response.taskDefinition) throw new Error(`task definition ${arn} not found`);
    return response.taskDefinition;
  }

  issueTaskRoleCredentials(roleArn: string, taskId: string): Promise<RoleCredentials> {
    return this.#issue(roleArn, taskId);
  }

  async reportRunning(cluster: string, taskArn: string, containers: ContainerReport[], pulledAt: Date): Promise<void> {
    if (this.#options.stateChange !== 'submit') return; // moto marks RunTask tasks RUNNING itself
    await this.#asInstance.send(
      new SubmitTaskStateChangeCommand({
        cluster,
        task: taskArn,
        status: 'RUNNING',
        containers,
        pullStartedAt: pulledAt,
        pullStoppedAt: pulledAt,
      }),
    );
  }

  /** `reason` is the agent's stoppedReason; undefined keeps the one ECS already has (StopTask's). */
  async reportStopped(
    cluster: string,
    taskArn: string,
    containers: ContainerReport[],
    reason: string | undefined,
  ): Promise<void> {
    if (this.#options.stateChange === 'submit') {
      await this.#asInstance.send(
        new SubmitTaskStateChangeCommand({
          cluster,
          task: taskArn,
          status: 'STOPPED',
          reason,
          containers,
          executionStoppedAt: new Date(),
        }),
      );
      return;
    }
    if (reason !== undefined) await this.#asService.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
  }
}

/** The ECS service's step: the service identity assumes the task role, session named after the task id. */
function stsTaskRoleIssuer(options: EcsBackendOptions): TaskRoleIssuer {
  const sts = new STSClient({
    endpoint: options.endpoint,
    region: options.region,
    maxAttempts: 1,
    credentials: options.serviceIdentity,
  });
  return async (roleArn, sessionName) => {
    try {
      const response = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
      const credentials = response.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
        throw new Error('AssumeRole returned no credentials');
      }
      return {
        RoleArn: roleArn,
        AccessKeyId: credentials.AccessKeyId,
        SecretAccessKey: credentials.SecretAccessKey,
        Token: credentials.SessionToken,
        Expiration: (credentials.Expiration ?? new Date(Date.now() + 3_600_000))
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
      if (status >= 400 && status < 500) throw new RoleNotAssumableError(roleArn, { cause: error });
      throw error;
    }
  };
}
