import type { Backend } from '../core/results/results-schema.ts';
import { awsDriver } from '../infra/aws/driver.ts';
import type { Driver } from '../infra/backends/backend.ts';

/**
 * Every backend runs the same driver: AWS APIs through SDK v3; the backend only decides where they live.
 * The suites hand its provisioned state back to it as opaque JSON, hence the widening cast.
 */
export function driverFor(_backend: Backend): Driver {
  return awsDriver as unknown as Driver;
}
