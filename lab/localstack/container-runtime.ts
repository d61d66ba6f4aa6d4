import { InfrastructureError } from '../../core/errors.ts';
import { importTestcontainers } from './optional-modules.ts';

/**
 * Fails fast, before anything else starts, when testcontainers finds no Docker/Podman: the lab backend
 * is the way to run without one.
 */
export async function assertContainerRuntime(): Promise<void> {
  const reason = await containerRuntimeUnavailable();
  if (reason) throw new InfrastructureError(reason);
}

/** undefined when a runtime answers, else the actionable reason. */
export async function containerRuntimeUnavailable(): Promise<string | undefined> {
  const { getContainerRuntimeClient } = await importTestcontainers();
  try {
    await getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return (
      `no container runtime found: ${detail}. The localstack backend starts LocalStack with testcontainers, ` +
      'which needs Docker or Podman (DOCKER_HOST, or a socket such as /var/run/docker.sock). ' +
      'Start one, or use --backend lab, which needs no container engine.'
    );
  }
}
