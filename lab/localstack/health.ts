import { REQUIRED_SERVICES } from './localstack-options.ts';

/** LocalStack's `GET /_localstack/health` body: `{ services: { ecs: "available" | "disabled" | … } }`. */
export interface LocalStackHealth {
  services?: Record<string, string>;
  edition?: string;
}

const USABLE = new Set(['available', 'running']);

/** The services a run needs that this LocalStack does not offer (typically ECS without the paid tier). */
export function missingServices(health: LocalStackHealth): string[] {
  return REQUIRED_SERVICES.filter((service) => !USABLE.has(health.services?.[service] ?? 'missing'));
}

export function missingServicesMessage(missing: readonly string[], health: LocalStackHealth): string {
  const edition = health.edition ? ` (edition: ${health.edition})` : '';
  return (
    `LocalStack${edition} does not offer ${missing.join(', ')}, which a run needs. ` +
    'ECS and IAM enforcement are LocalStack paid-tier features: set LOCALSTACK_AUTH_TOKEN (and optionally ' +
    'ECS_TASKROLE_LOCALSTACK_IMAGE), or run with --backend lab.'
  );
}
