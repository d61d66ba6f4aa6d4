/**
 * How the pieces of the LocalStack backend find each other: the data plane reads LocalStack as a control
 * plane, and the run's Playwright processes get LocalStack's endpoint, the endpoint tasks use (LocalStack
 * as the lab's instances reach it) and the lab proxy through the environment.
 */
import type { DataPlaneControlPlane } from '../data-plane/index.ts';
import type { RunningLocalStack } from './start-localstack.ts';

/**
 * LocalStack as the data plane's control plane. LocalStack has no service principals to act as, so the
 * ECS and EC2 services' AssumeRole calls are made with its default credentials (a lab difference:
 * docs/lab-differences.md), and task states are reported with StopTask, which every ECS emulation has.
 */
export function localStackControlPlane(localstack: RunningLocalStack): DataPlaneControlPlane {
  return {
    endpoint: localstack.endpoint,
    region: localstack.region,
    reader: localstack.credentials,
    serviceIdentity: localstack.credentials,
    stateChange: 'stop-task',
  };
}
