/**
 * The lab's public API: the only module code outside `lab` imports. The lab is moto on loopback (the
 * control plane) plus a data-plane daemon that boots the instances the harness launches in network
 * namespaces and runs a simulated ECS agent and its tasks on them. Everything else in `lab` is its
 * implementation and may move; what is exported here is what the rest of the product may rely on.
 */

// The Python that has the lab's moto (`run` checks it before anything starts; made from PyPI if need be).
export { findMotoPython } from './control-plane/find-moto.ts';
// The lab's identities (IAM users with access keys) and how an SDK client signs as one.
export { credentialsOf, type LabIdentities, type LabIdentity } from './control-plane/identities.ts';
// For specs: whether a recorded moto pid is still the lab's moto; its admin API (with the lab's token).
export { isMotoProcess, LAB_ADMIN_HEADER, postMotoAdmin } from './control-plane/moto-process.ts';
// For specs: whether a recorded data-plane pid is still the lab's daemon.
export { isDataPlaneRunning } from './data-plane/daemon-process.ts';
// The data plane as a run hosts it on another control plane (LocalStack): hosts, proxy, stall watch.
export { type DataPlaneWithProxy, startDataPlaneWithProxy } from './data-plane/data-plane-with-proxy.ts';
// The data plane on its own, and what it needs from a control plane.
export { type DataPlane, type DataPlaneControlPlane, startDataPlane } from './data-plane/index.ts';
// Removing what a crashed lab left (namespaces, links, records).
export { type CleanupReport, cleanupLab } from './data-plane/network/cleanup.ts';
// For benchmarks: a lab network (bridge, subnet, records) without a data plane.
export { createLabNetwork } from './data-plane/network/lab-network.ts';
// Whether this machine can run the lab (root, system packages): a fix, or a reason to skip lab specs.
export { assertLabHostReady, labSkipReason } from './data-plane/network/preflight.ts';
export type { LabProxy } from './data-plane/proxy/lab-proxy.ts';
// The real ECS agent's versions the lab builds (`--lab-agent real` runs the default).
export { DEFAULT_AGENT_VERSION } from './data-plane/real-agent/agent-versions.ts';
// Lifecycle: `lab up`, `lab down`, `lab status`.
export {
  LAB_REGION,
  type LabStatus,
  type LabUpOptions,
  labDown,
  labStatus,
  labUp,
} from './lab-lifecycle.ts';
// Helpers for specs and benchmarks (a plain moto, a test host): lab/testing/index.ts, not the package.
// The lab as a backend of the harness (runs share a running lab), and LocalStack with the lab's data plane.
export { LAB_QUIET_REGISTRATION_MS, labProfile, realAgentLabProfile } from './lab-profile.ts';
// The state file `lab up` writes (endpoint, pids, identities), and where it lives.
export { harnessClientConfig, type LabState, labDir, readLabState } from './lab-state.ts';
export { containerRuntimeUnavailable } from './localstack/container-runtime.ts';
export { localstackProfile } from './localstack/localstack-profile.ts';
// The optional packages LocalStack runs need (the package spec checks they stay optional).
export { LOCALSTACK_PACKAGES } from './localstack/optional-modules.ts';
export { WATCH_INTERVAL_MS } from './system/lab-holders.ts';
