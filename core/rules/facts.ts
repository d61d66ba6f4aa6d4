import { credentialFetchesOf, type Dimensions, metadataOptionsOf, runsEcsInit } from '../matrix/dimensions.ts';

/**
 * Derived facts the rules read, each a documented property of ECS or of a client. These are the
 * rules' own reading of the sources — the lab never imports them (its outcomes come from the mechanism).
 */

/** The agent's default ECS_TASK_METADATA_RPS_LIMIT (steady,burst); malformed or ≤0 values fall back to it. */
const DEFAULT_RPS = { steady: 40, burst: 60 };

export function effectiveRpsLimit(value: string): { steady: number; burst: number } {
  if (value === 'default') return DEFAULT_RPS;
  const match = /^(\d+),(\d+)$/.exec(value.trim());
  const steady = Number(match?.[1]);
  const burst = Number(match?.[2]);
  return match && steady > 0 && burst > 0 ? { steady, burst } : DEFAULT_RPS;
}

/**
 * A burst of concurrent fetches from one task exceeds the limiter's bucket: some get 429. The refill during
 * the burst (steady per second) is left out: the fetches of a burst go out within a second, and the
 * above-default burst (400) outruns the default bucket unless it lasts 8.5 s.
 */
export function burstIsThrottled(cell: Dimensions): boolean {
  return credentialFetchesOf(cell.load) > effectiveRpsLimit(cell.rpsLimit).burst;
}

/** No iptables path from the task to 127.0.0.1:51679, so packets to 169.254.170.2 are dropped. */
export function credentialsEndpointUnreachable(cell: Dimensions): boolean {
  if (inputPolicyDropsEndpoint(cell) || endpointRulesFlushed(cell)) return true;
  if (runsEcsInit(cell)) return false;
  if (cell.hostRules === 'none' || cell.hostRules === 'not-saved-rebooted') return true;
  // DNAT to 127.0.0.1 from a bridge needs route_localnet; host mode uses OUTPUT REDIRECT, which does not.
  return lacksRouteLocalnet(cell) && cell.network === 'bridge';
}

/**
 * route_localnet is off: never set, or set with `sysctl -w` and lost at a reboot — the seed's save line
 * (iptables-save to /etc/sysconfig/iptables, iptables service enabled) brings the rules back, not sysctls.
 */
export function lacksRouteLocalnet(cell: Dimensions): boolean {
  return cell.hostRules === 'no-route-localnet' || cell.hostRules === 'documented-rebooted';
}

export function isBotocoreClient(cell: Dimensions): boolean {
  return cell.client === 'awscli-v1' || cell.client === 'awscli-v2';
}

/** aws-sdk-go v1 and v2: their HTTP clients take HTTP_PROXY/NO_PROXY from the environment for every request. */
export function isGoClient(cell: Pick<Dimensions, 'client'>): boolean {
  return cell.client === 'sdk-go-v1' || cell.client === 'sdk-go-v2';
}

/** The task's proxy settings send a request for 169.254.170.2 to the proxy (its NO_PROXY does not name it). */
export function proxyTakesCredentialsEndpoint(cell: Dimensions): boolean {
  return cell.taskProxy === 'without-no-proxy' || cell.taskProxy === 'with-no-proxy-imds-only';
}

/** IMDS answers requests without a session token (HttpTokens optional); with required they get 401. */
export function imdsV1Allowed(cell: Dimensions): boolean {
  return metadataOptionsOf(cell.imdsOptions).httpTokens === 'optional';
}

/**
 * The token PUT's response cannot reach the task: it leaves IMDS with TTL = the hop limit, and a bridge
 * task sits one routed hop (the instance forwarding to docker0) past the instance. Host-mode and awsvpc
 * tasks receive it where the instance does.
 */
export function tokenResponseCannotReachTask(cell: Dimensions): boolean {
  return cell.network === 'bridge' && metadataOptionsOf(cell.imdsOptions).hopLimit < 2;
}

/**
 * A CIS-hardened INPUT policy of DROP without an accept for the agent's port: a bridge or awsvpc task's
 * request, DNAT'ed to 127.0.0.1:51679, arrives on docker0 or ecs-bridge and is dropped in INPUT. A host-mode
 * task's request is redirected in OUTPUT and arrives on `lo`, which the hardening accepts.
 */
export function inputPolicyDropsEndpoint(cell: Dimensions): boolean {
  return cell.hostFirewall === 'input-drop' && cell.network !== 'host';
}

/** Every rule flushed after ecs-init (or user data) added them: no DNAT or REDIRECT to the agent remains. */
export function endpointRulesFlushed(cell: Dimensions): boolean {
  return cell.afterBoot === 'rules-flushed';
}

/**
 * Bridge tasks reach IMDS: not blocked, or blocked by a FORWARD rule that a dockerd restart pushed below
 * Docker's own accept rules (a DOCKER-USER rule stays first). After a flush, Docker's FORWARD policy DROP
 * is all that is left for bridge traffic.
 */
export function bridgeImdsBlocked(cell: Dimensions): boolean {
  if (cell.network !== 'bridge') return false;
  if (cell.afterBoot === 'rules-flushed') return true;
  if (cell.imds === 'blocked-forward') return cell.afterBoot !== 'docker-restarted';
  return cell.imds === 'blocked';
}
