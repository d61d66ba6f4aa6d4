/**
 * LocalStack as the control plane (started with testcontainers, or the one ECS_TASKROLE_LOCALSTACK_ENDPOINT
 * names) with the lab's data plane attached. Both live in the process that opens it (`ecs-taskrole run`),
 * which outlives every Playwright worker.
 */
import { join } from 'node:path';
import { InfrastructureError } from '../../core/errors.ts';
import { BACKEND_ENV, type BackendRecord, connect } from '../../infra/backends/backend-record.ts';
import type { OpenedBackend, OpenOptions } from '../../infra/backends/profile.ts';
import { openLocalStackBackend } from '../localstack/localstack-backend.ts';
import { localStackOptionsFromEnv } from '../localstack/localstack-options.ts';

export async function open(options: OpenOptions): Promise<OpenedBackend> {
  const endpoint = process.env[BACKEND_ENV.localstackEndpoint];
  const localstack = await openLocalStackBackend({
    ...localStackOptionsFromEnv(options.region),
    ...(endpoint ? { endpoint } : {}),
    logFile: join(options.outDir, 'data-plane.log'),
  });
  const record: BackendRecord = {
    backend: 'localstack',
    region: options.region,
    endpoint: localstack.endpoint,
    taskEndpoint: localstack.taskEndpoint,
    proxyUrl: localstack.proxyUrl,
    startedLab: false,
  };
  return { record, connection: connect(record), close: () => localstack.close() };
}

/** `npx playwright test` alone has no process that outlives the workers to hold LocalStack. */
export function refuseOutsideRun(): never {
  throw new InfrastructureError(
    'the localstack backend needs `ecs-taskrole run --backend localstack` (it holds LocalStack and the data plane for the whole run)',
  );
}
