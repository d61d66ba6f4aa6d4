/**
 * Where a run's AWS APIs live. A backend profile's `open` (profile.ts) records it once in
 * `--out/backend.json` without secrets; every later process of the run (cell workers, teardown) connects
 * from that record through the same profile and finds credentials itself: the lab's in its owner-only state
 * file, LocalStack's fixed test keys, or the standard chain on AWS.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import { proxyUrlProblem } from '../../core/input/proxy-url.ts';
import { regionSchema } from '../../core/input/region.ts';
import { proxyUrlSchema } from '../../core/matrix/pins.ts';
import { backendSchema } from '../../core/run-config.ts';

export const backendRecordSchema = z.strictObject({
  backend: backendSchema,
  region: regionSchema,
  /** Unset on AWS. */
  endpoint: z.string().optional(),
  /** The AWS endpoint tasks call (the lab's or LocalStack's, as instances reach it); unset on AWS. */
  taskEndpoint: z.string().optional(),
  /**
   * The lab's own HTTP proxy, or on AWS the matrix's. ECS_TASKROLE_PROXY_URL is read from the environment
   * and never recorded; neither may hold credentials (core/input/proxy-url.ts).
   */
  proxyUrl: proxyUrlSchema.optional(),
  /** The lab's state directory (its owner-only state file holds the harness identity's keys). */
  labDir: z.string().optional(),
  /** This run started the lab. */
  startedLab: z.boolean(),
  /** The process holding the run's lease on the lab (lab-leases.ts). */
  leasePid: z.number().int().positive().optional(),
});
export type BackendRecord = z.infer<typeof backendRecordSchema>;

/** Where the AWS APIs live: AWS itself (standard chain and region), the lab, or LocalStack. */
export interface AwsTarget {
  region: string;
  /** Unset on AWS. */
  endpoint?: string;
  /** Unset on AWS: the standard credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The lab answers in milliseconds and a retried 5xx only costs time there; AWS gets the SDK's default. */
  maxAttempts?: number;
  /**
   * The backend's own additions to the clients, made once per client set (infra/aws/clients.ts): the lab's
   * task push (its DescribeTasks waits for a task change). Unset on AWS and LocalStack, whose clients stay
   * stock SDK clients.
   */
  decorate?: (clients: { ecs: ECSClient }) => ClientDecoration;
}

/**
 * Whether DescribeTasks waits for task changes itself (the lab's control plane answers with a generation);
 * false everywhere else, and callers poll.
 */
export interface TaskPush {
  readonly active: boolean;
}

export interface ClientDecoration {
  taskPush?: TaskPush;
}

/** What a process needs to call the backend's APIs and to tell tasks where they are. */
export interface Connection {
  target: AwsTarget;
  taskEndpoint?: string;
  proxyUrl?: string;
  /**
   * How often a waiting cell asks ECS whether its instance registered: seconds apart on AWS, where a
   * registration takes minutes and every worker's waiting cell asks.
   */
  registrationPollMs: number;
}

/** The optional parts of a record a connection carries over (where tasks call, the proxy). */
export function recordedEndpoints(record: BackendRecord): Pick<Connection, 'taskEndpoint' | 'proxyUrl'> {
  return {
    ...(record.taskEndpoint !== undefined ? { taskEndpoint: record.taskEndpoint } : {}),
    ...(record.proxyUrl !== undefined ? { proxyUrl: record.proxyUrl } : {}),
  };
}

/** What the environment configures (documented in the README). */
export const BACKEND_ENV = {
  /** A LocalStack that is already running. */
  localstackEndpoint: 'ECS_TASKROLE_LOCALSTACK_ENDPOINT',
  /** The HTTP proxy for proxy cells on AWS (yours). */
  proxyUrl: 'ECS_TASKROLE_PROXY_URL',
} as const;

/**
 * ECS_TASKROLE_PROXY_URL, held to the matrix's grammar (core/input/proxy-url.ts): it reaches root's user data
 * and every task definition, so a value outside it — credentials included — is bad input (exit 2), refused
 * before anything is created. The message never repeats the value.
 */
export function proxyUrlFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[BACKEND_ENV.proxyUrl];
  if (value === undefined || value === '') return undefined;
  const problem = proxyUrlProblem(value);
  if (problem) throw new BadInputError([{ file: 'environment', path: BACKEND_ENV.proxyUrl, message: problem }]);
  return value;
}
