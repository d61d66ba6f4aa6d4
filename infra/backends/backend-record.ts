/**
 * Where a run's AWS APIs live. `open` (lab.ts, aws.ts, localstack.ts) records it once in `--out/backend.json`
 * without secrets; every later process of the run (cell workers, teardown) connects from that record and
 * finds credentials itself: the lab's in its owner-only state file, LocalStack's fixed test keys, or the
 * standard chain on AWS.
 */
import { z } from 'zod';
import { BadInputError, InfrastructureError } from '../../core/errors.ts';
import { proxyUrlProblem } from '../../core/input/proxy-url.ts';
import { regionSchema } from '../../core/input/region.ts';
import { proxyUrlSchema } from '../../core/matrix/pins.ts';
import { type BackendName, backendSchema } from '../../core/run-config.ts';
import { harnessClientConfig, labDir, readLabState } from '../../lab/index.ts';
import { LOCALSTACK_CREDENTIALS } from '../../lab/localstack/localstack-options.ts';
import type { AwsTarget } from '../aws/clients.ts';

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

/** What a process needs to call the backend's APIs and to tell tasks where they are. */
export interface Connection {
  target: AwsTarget;
  taskEndpoint?: string;
  proxyUrl?: string;
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

/** LocalStack's standard edge port, for `sweep --backend localstack` outside a run. */
export const DEFAULT_LOCALSTACK_ENDPOINT = 'http://localhost:4566';

export function connect(record: BackendRecord, env: NodeJS.ProcessEnv = process.env): Connection {
  const optional = { taskEndpoint: record.taskEndpoint, proxyUrl: record.proxyUrl };
  const defined = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
  if (record.backend === 'lab') {
    const lab = readLabState(record.labDir);
    if (!lab) throw new InfrastructureError('the lab is not running; run `ecs-taskrole lab up`');
    return {
      target: harnessClientConfig(lab),
      ...defined,
    };
  }
  if (record.backend === 'localstack') {
    const endpoint = record.endpoint ?? DEFAULT_LOCALSTACK_ENDPOINT;
    return {
      target: { region: record.region, endpoint, credentials: LOCALSTACK_CREDENTIALS, maxAttempts: 2 },
      ...defined,
    };
  }
  const proxyUrl = proxyUrlFromEnvironment(env) ?? record.proxyUrl;
  return { target: { region: record.region }, ...(proxyUrl ? { proxyUrl } : {}) };
}

/** A backend outside any run (`sweep`): the running lab, the LocalStack the environment names, or AWS. */
export function standaloneRecord(
  backend: BackendName,
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): BackendRecord {
  if (backend === 'lab') {
    const dir = labDir(env);
    const lab = readLabState(dir);
    return { backend, region: lab?.region ?? region, labDir: dir, startedLab: false };
  }
  if (backend === 'localstack') {
    return {
      backend,
      region,
      endpoint: env[BACKEND_ENV.localstackEndpoint] ?? DEFAULT_LOCALSTACK_ENDPOINT,
      startedLab: false,
    };
  }
  return { backend, region, startedLab: false };
}

/** Kept for `sweep`: the target of a backend outside any run. */
export function backendTarget(backend: BackendName, region: string, env: NodeJS.ProcessEnv = process.env): Connection {
  return connect(standaloneRecord(backend, region, env), env);
}
