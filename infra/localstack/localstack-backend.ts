/**
 * The LocalStack backend for one `run`: LocalStack is the control plane (started with testcontainers, or
 * the one ECS_TASKROLE_LOCALSTACK_ENDPOINT names) and the lab's data plane boots the instances the harness
 * launches there, so tasks get their credentials through the real mechanism (IMDS, 169.254.170.2,
 * iptables). Lives in the `run` process, which outlives every Playwright worker.
 */
import { appendFileSync } from 'node:fs';
import { type DataPlane, type DataPlaneControlPlane, startDataPlane } from '../lab/data-plane/index.ts';
import { assertLabHostReady } from '../lab/data-plane/network/preflight.ts';
import { type LabProxy, startLabProxy } from '../lab/data-plane/proxy/lab-proxy.ts';
import { assertContainerRuntime } from './container-runtime.ts';
import type { LocalStackOptions } from './localstack-options.ts';
import { localStackControlPlane, localStackRunEnv } from './localstack-wiring.ts';
import { type RunningLocalStack, startLocalStack } from './start-localstack.ts';

export interface LocalStackBackend {
  /** What the Playwright processes of the run need to reach it (see backend-target.ts). */
  env: Record<string, string>;
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
  let dataPlane: DataPlane | undefined;
  let proxy: LabProxy | undefined;
  const close = async () => {
    await proxy?.stop();
    await dataPlane?.stop();
    await localstack.stop();
  };
  try {
    const controlPlane: DataPlaneControlPlane = localStackControlPlane(localstack);
    dataPlane = await startDataPlane({ controlPlane, log });
    proxy = await startLabProxy(dataPlane.lab);
  } catch (error) {
    await close();
    throw error;
  }
  return { env: localStackRunEnv(localstack, dataPlane, proxy), close };
}

function externalLocalStack(endpoint: string, region: string): RunningLocalStack {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    stop: async () => {},
  };
}
