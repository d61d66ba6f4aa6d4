/**
 * The lab's helpers for specs and benchmarks outside `lab`, apart from its public API (index.ts) so
 * that none of them reaches the package.
 */

// A bridge task's namespace on a booted host.
export { createBridgeTaskNamespace } from '../data-plane/host/bridge-task.ts';
// What one lab network left on the machine, by its own prefix (read from its data plane's log).
export { type LabLeftovers, labLeftovers, labPrefixesInLog } from '../data-plane/testing/lab-leftovers.ts';
// One lab network for a spec file's tests.
export { useLabNetwork } from '../data-plane/testing/lab-network-fixture.ts';
// A plain moto (no IAM enforcement) on a free port.
export { type PlainMoto, startPlainMoto } from '../data-plane/testing/plain-moto.ts';
// One simulated host booted on a lab network, a stand-in agent listener, curl probes and their exit codes.
export { bootTestHost, CURL_TIMEOUT, namedListener, probe } from '../data-plane/testing/test-host.ts';
// Environments whose Pythons have no moto (or another version): the lab's first use on a stock machine.
export { noMotoEnv, REFUSING_INDEX, systemPythonWithoutMoto } from './no-moto-python.ts';
// A lab of one test's own, up for its body, then down.
export { withOwnLab } from './own-lab.ts';
// Trust policies and tags as the harness writes them, for a spec's own resources.
export { serviceTrust, specRunTags } from './spec-resources.ts';
