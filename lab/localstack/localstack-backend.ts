/**
 * The LocalStack backend for one `run`: LocalStack is the control plane (started with testcontainers, or
 * the one ECS_TASKROLE_LOCALSTACK_ENDPOINT names) and the lab's data plane boots the instances the harness
 * launches there, so tasks get their credentials through the real mechanism (IMDS, 169.254.170.2,
 * iptables). Lives in the `run` process, which outlives every Playwright worker.
 */
import { appendFileSync } from 'node:fs';
import { startDataPlaneWithProxy } from '../data-plane/data-plane-with-proxy.ts';
import { assertLabHostReady } from '../data-plane/network/preflight.ts';
import { assertContainerRuntime } from './container-runtime.ts';
import { LOCALSTACK_CREDENTIALS, type LocalStackOptions } from './localstack-options.ts';
import { localStackControlPlane } from './localstack-wiring.ts';
import { type RunningLocalStack, startLocalStack } from './start-localstack.ts';

export interface LocalStackBackend {
  endpoint: string;
  /** LocalStack as the lab's instances reach it. */
  taskEndpoint: string;
  /** The lab proxy, for proxy cells. */
  proxyUrl: string;
  /** Stops the data plane (hosts, namespaces) and the LocalStack container this run started. */
  close(): Promise<void>;
}

export interface OpenLocalStackOptions extends LocalStackOptions {
  /** A LocalStack that is already running (not started, not stopped here). */
  endpoint?: string;
  /** Where the data plane writes its log. */
  logFile: string;
}

export async function openLocalStackBackend(options: OpenLocalStackOptions): Promise<LocalStackBackend> {
  // Fail fast, before a container starts: no runtime, or a host the data plane cannot use.
  if (!options.endpoint) await assertContainerRuntime();
  await assertLabHostReady();
  const localstack: RunningLocalStack = options.endpoint
    ? externalLocalStack(options.endpoint, options.region)
    : await startLocalStack(options);
  const log = (line: string) => appendFileSync(options.logFile, `${new Date().toISOString()} ${line}\n`);
  const attached = await startDataPlaneWithProxy({
    controlPlane: localStackControlPlane(localstack),
    log,
    logFile: options.logFile,
  }).catch(async (error: unknown) => {
    await localstack.stop();
    throw error;
  });
  return {
    endpoint: localstack.endpoint,
    taskEndpoint: attached.dataPlane.endpointForInstances,
    proxyUrl: attached.proxy.url,
    async close() {
      await attached.stop();
      await localstack.stop();
    },
  };
}

function externalLocalStack(endpoint: string, region: string): RunningLocalStack {
  return {
    endpoint,
    region,
    credentials: LOCALSTACK_CREDENTIALS,
    stop: async () => {},
  };
}
