/**
 * testcontainers serves only the optional LocalStack backend, so it is an optional peer dependency: a
 * project that installed this package has it only if it asked for it. Loaded when that backend runs.
 */
import { InfrastructureError } from '../../core/errors.ts';

/** The ranges package.json's peerDependencies name (tools/package.spec.ts checks they agree). */
export const LOCALSTACK_PACKAGES = 'testcontainers@^12.2.0 @testcontainers/localstack@^12.1.0';

export async function importTestcontainers(): Promise<typeof import('testcontainers')> {
  return import('testcontainers').catch(missing);
}

export async function importLocalstackModule(): Promise<typeof import('@testcontainers/localstack')> {
  return import('@testcontainers/localstack').catch(missing);
}

function missing(error: unknown): never {
  if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  throw new InfrastructureError(
    `--backend localstack needs the optional packages testcontainers and @testcontainers/localstack; ` +
      `install them in this project: npm install ${LOCALSTACK_PACKAGES}`,
  );
}
