/**
 * Task-role credentials the agent holds, by credentials id (`ecs-agent/credentials/manager.go`): an id is
 * known (pending) from the moment the task arrives, ready once the role was assumed, and forgotten when the
 * task stops.
 */

/** The JSON the endpoint returns (IAMRoleCredentials' json tags), Expiration echoed as received. */
export interface RoleCredentials {
  RoleArn: string;
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: string;
}

export type CredentialsLookup =
  | { state: 'unknown' }
  | { state: 'pending' }
  | { state: 'ready'; taskArn: string; credentials: RoleCredentials };

export class TaskCredentialsStore {
  readonly #known = new Set<string>();
  readonly #ready = new Map<string, { taskArn: string; credentials: RoleCredentials }>();

  /** The id exists (the container env can name it) but no credentials yet: the endpoint answers 503. */
  markPending(credentialsId: string): void {
    this.#known.add(credentialsId);
  }

  set(credentialsId: string, taskArn: string, credentials: RoleCredentials): void {
    this.#known.add(credentialsId);
    this.#ready.set(credentialsId, { taskArn, credentials });
  }

  remove(credentialsId: string): void {
    this.#known.delete(credentialsId);
    this.#ready.delete(credentialsId);
  }

  /** How many ids the agent knows (pending or ready). */
  get size(): number {
    return this.#known.size;
  }

  lookup(credentialsId: string): CredentialsLookup {
    const ready = this.#ready.get(credentialsId);
    if (ready) return { state: 'ready', ...ready };
    return this.#known.has(credentialsId) ? { state: 'pending' } : { state: 'unknown' };
  }
}
