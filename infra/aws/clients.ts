import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsTarget, TaskPush } from '../backends/backend-record.ts';
import { REQUEST_LOG_ENV, recordRequests } from './request-log.ts';

export interface SdkClients {
  ec2: EC2Client;
  ecs: ECSClient;
  iam: IAMClient;
  ssm: SSMClient;
  logs: CloudWatchLogsClient;
  sts: STSClient;
}

const NO_TASK_PUSH: TaskPush = { active: false };

export interface AwsClients extends SdkClients {
  /** On the lab, DescribeTasks waits for a task change instead of being polled. */
  taskPush: TaskPush;
}

export function createClients(target: AwsTarget): AwsClients {
  const config = {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.maxAttempts ? { maxAttempts: target.maxAttempts } : {}),
  };
  const clients: SdkClients = {
    ec2: new EC2Client(config),
    ecs: new ECSClient(config),
    iam: new IAMClient(config),
    ssm: new SSMClient(config),
    logs: new CloudWatchLogsClient(config),
    sts: new STSClient(config),
  };
  // The policy evaluation spec's record of what the harness asks AWS for (request-log.ts).
  const log = process.env[REQUEST_LOG_ENV];
  if (log) for (const [service, client] of Object.entries(clients)) recordRequests(client, service, target.region, log);
  const decoration = target.decorate?.(clients) ?? {};
  return { ...clients, taskPush: decoration.taskPush ?? NO_TASK_PUSH };
}

export function destroyClients(clients: AwsClients): void {
  for (const client of [clients.ec2, clients.ecs, clients.iam, clients.ssm, clients.logs, clients.sts])
    client.destroy();
}
