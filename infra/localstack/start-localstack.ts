import { InfrastructureError } from '../../model/errors.ts';
import { assertContainerRuntime } from './container-runtime.ts';
import { type LocalStackHealth, missingServices, missingServicesMessage } from './health.ts';
import { containerSpec, type LocalStackOptions } from './localstack-options.ts';

export interface RunningLocalStack {
  endpoint: string;
  region: string;
  /** LocalStack accepts any key pair for its default account (000000000000). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Starts LocalStack as the control plane; refuses clearly when the runtime or a needed service is missing. */
export async function startLocalStack(options: LocalStackOptions): Promise<RunningLocalStack> {
  await assertContainerRuntime();
  const { LocalstackContainer } = await import('@testcontainers/localstack');
  const spec = containerSpec(options);
  const container = await new LocalstackContainer(spec.image).withEnvironment(spec.environment).start();
  const endpoint = container.getConnectionUri();
  try {
    const health = (await (await fetch(`${endpoint}/_localstack/health`)).json()) as LocalStackHealth;
    const missing = missingServices(health);
    if (missing.length > 0) throw new InfrastructureError(missingServicesMessage(missing, health));
  } catch (error) {
    await container.stop();
    throw error;
  }
  return {
    endpoint,
    region: options.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    stop: async () => {
      await container.stop();
    },
  };
}
