/**
 * The SDK clients one process keeps for its cells (a Playwright worker runs many, one after another): made
 * once per run, and destroyed — their sockets and agents — when the run changes and when the worker ends (suites/cells.spec.ts), so no worker leaves connections open to AWS or to the lab.
 */
import type { AwsTarget } from '../backends/backend-record.ts';
import { type AwsClients, createClients, destroyClients } from './clients.ts';

export class WorkerClients {
  readonly #create: (target: AwsTarget) => AwsClients;
  readonly #destroy: (clients: AwsClients) => void;
  #current: { key: string; clients: AwsClients } | undefined;

  constructor(make: { create?: typeof createClients; destroy?: typeof destroyClients } = {}) {
    this.#create = make.create ?? createClients;
    this.#destroy = make.destroy ?? destroyClients;
  }

  /** The clients of the run `key` names, made on first use; another run's are destroyed. */
  of(key: string, target: AwsTarget): { key: string; clients: AwsClients } {
    if (this.#current?.key !== key) {
      this.close();
      this.#current = { key, clients: this.#create(target) };
    }
    return this.#current;
  }

  /** Destroys the clients; the next cell of this process, if any, makes new ones. */
  close(): void {
    const current = this.#current;
    this.#current = undefined;
    if (current) this.#destroy(current.clients);
  }
}
