import { InfrastructureError } from '../../core/errors.ts';
import { assertContainerRuntime } from './container-runtime.ts';
import { type LocalStackHealth, missingServices, missingServicesMessage } from './health.ts';
import { containerSpec, LOCALSTACK_CREDENTIALS, type LocalStackOptions } from './localstack-options.ts';
import { importLocalstackModule } from './optional-modules.ts';

export interface RunningLocalStack {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Starts LocalStack as the control plane; refuses clearly when the runtime or a needed service is missing. */
export async function startLocalStack(options: LocalStackOptions): Promise<RunningLocalStack> {
  await assertContainerRuntime();
  const { LocalstackContainer } = await importLocalstackModule();
  const spec = containerSpec(options);
  const container = await new LocalstackContainer(spec.image)
    .withEnvironment(spec.environment)
    .start()
    .catch((error: unknown) => {
      throw new InfrastructureError(startFailureMessage(spec.image, options, error), { cause: error });
    });
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
    credentials: LOCALSTACK_CREDENTIALS,
    stop: async () => {
      await container.stop();
    },
  };
}

/**
 * Since March 2026 LocalStack ships one image that needs an auth token to start
 * (https://docs.localstack.cloud/getting-started/auth-token/): a missing token is the usual cause.
 */
export function startFailureMessage(image: string, options: Pick<LocalStackOptions, 'authToken'>, error: unknown) {
  const detail = error instanceof Error ? error.message : String(error);
  const hint = options.authToken
    ? 'check the token and the image (ECS_TASKROLE_LOCALSTACK_IMAGE)'
    : 'LocalStack needs LOCALSTACK_AUTH_TOKEN to start (and for ECS and IAM enforcement); set it';
  return `LocalStack (${image}) did not start: ${detail}. ${hint}, or run with --backend lab.`;
}
