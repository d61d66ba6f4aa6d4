import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { type TaskPush, waitForTaskChanges } from '../../lab/index.ts';
import { REQUEST_LOG_ENV, recordRequests } from './request-log.ts';

/** Where the AWS APIs live: AWS itself (standard chain and region), the lab, or LocalStack. */
export interface AwsTarget {
  region: string;
  /** Unset on AWS. */
  endpoint?: string;
  /** Unset on AWS: the standard credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The lab answers in milliseconds and a retried 5xx only costs time there; AWS gets the SDK's default. */
  maxAttempts?: number;
}

export interface AwsClients {
  ec2: EC2Client;
  ecs: ECSClient;
  iam: IAMClient;
  ssm: SSMClient;
  logs: CloudWatchLogsClient;
  sts: STSClient;
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
  const ecs = new ECSClient(config);
  const clients = {
    ec2: new EC2Client(config),
    ecs,
    iam: new IAMClient(config),
    ssm: new SSMClient(config),
    logs: new CloudWatchLogsClient(config),
    sts: new STSClient(config),
  };
  // The policy evaluation spec's record of what the harness asks AWS for (request-log.ts).
  const log = process.env[REQUEST_LOG_ENV];
  if (log) for (const [service, client] of Object.entries(clients)) recordRequests(client, service, target.region, log);
  return { ...clients, taskPush: waitForTaskChanges(ecs, 'DescribeTasksCommand') };
}

export function destroyClients(clients: AwsClients): void {
  for (const client of [clients.ec2, clients.ecs, clients.iam, clients.ssm, clients.logs, clients.sts])
    client.destroy();
}
