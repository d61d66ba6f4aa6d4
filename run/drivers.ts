import { InfrastructureError } from '../model/errors.ts';
import type { Backend } from '../reports/results-schema.ts';
import type { Driver } from './driver.ts';

const drivers: Partial<Record<Backend, Driver>> = {};

/** Registers a backend's driver (infra/aws for aws, lab and localstack: one code path). */
export function registerDriver(backend: Backend, driver: Driver): void {
  drivers[backend] = driver;
}

export function driverFor(backend: Backend): Driver {
  const driver = drivers[backend];
  if (!driver) throw new InfrastructureError(`no driver for backend "${backend}" is available in this build`);
  return driver;
}
