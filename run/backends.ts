import type { BackendName } from '../core/run-config.ts';
import { awsDriver } from '../infra/aws/driver.ts';
import type { Driver } from '../infra/aws/driver-types.ts';

/**
 * Every backend runs the same driver: AWS APIs through SDK v3; the backend only decides where they live.
 * Its state crosses processes as JSON and is validated by `readState`, hence the widening cast.
 */
export function driverFor(_backend: BackendName): Driver {
  return awsDriver as unknown as Driver;
}
