/**
 * The data plane's reconcile loop: reads the instances the harness launched on the control plane, boots
 * each running one (once), reboots a booted one when RebootInstances was called, and shuts down those that
 * stopped or were terminated, as EC2 would.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { InstanceHandle } from '../host/host-spec.ts';
import { type LaunchedInstance, launchedInstances, RUNNING_STATES } from './launched-instances.ts';

export interface FleetOptions {
  ec2: EC2Client;
  /** Boots one launched instance on this machine; a rejection is recorded as its boot failure. */
  boot: (instance: LaunchedInstance) => Promise<InstanceHandle>;
  pollIntervalMs: number;
  /**
   * Boots under way at once, the rest wait in launch order: twenty boots sharing two cores all finish
   * late, while a few at a time let the first instances take cells seconds earlier.
   */
  maxConcurrentBoots?: number;
  log: (line: string) => void;
}

export interface Fleet {
  /** Booted instances by id. */
  instances: ReadonlyMap<string, InstanceHandle>;
  /** Instances that failed to boot, with the reason. */
  failures: ReadonlyMap<string, string>;
  /** Resolves once the instance booted (its agent may still be registering). */
  waitForInstance(instanceId: string, timeoutMs?: number): Promise<InstanceHandle>;
  /** Ends the loop, waits for boots under way and shuts every instance down. */
  stop(): Promise<void>;
}

/** Stable: instances without a launch order keep their listed order, after those with one. */
function byLaunchOrder(instances: LaunchedInstance[]): LaunchedInstance[] {
  const order = (instance: LaunchedInstance) => instance.launchOrder ?? Number.MAX_SAFE_INTEGER;
  return [...instances].sort((a, b) => order(a) - order(b));
}

export function startFleet(options: FleetOptions): Fleet {
  return new ReconcilingFleet(options);
}

/** The fleet's state and its loop; each method one step of it. */
class ReconcilingFleet implements Fleet {
  readonly instances = new Map<string, InstanceHandle>();
  readonly failures = new Map<string, string>();
  readonly #booting = new Map<string, Promise<void>>();
  readonly #rebootsSeen = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  readonly #options: FleetOptions;
  readonly #maxConcurrentBoots: number;
  #stopping = false;
  #wake: () => void = () => {};
  readonly #loop: Promise<void>;

  constructor(options: FleetOptions) {
    this.#options = options;
    this.#maxConcurrentBoots = options.maxConcurrentBoots ?? Infinity;
    this.#loop = this.#run();
  }

  waitForInstance(instanceId: string, timeoutMs = 300_000): Promise<InstanceHandle> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const handle = this.instances.get(instanceId);
        const failure = this.failures.get(instanceId);
        if (!handle && !failure) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        if (handle) resolve(handle);
        else reject(new Error(`instance ${instanceId} failed to boot: ${failure}`));
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`instance ${instanceId} did not boot within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(check);
      this.#wake();
      check();
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake();
    await this.#loop;
    await Promise.all(this.#booting.values());
    await Promise.all([...this.instances.values()].map((handle) => handle.shutdown().catch(() => undefined)));
    this.instances.clear();
  }

  async #run(): Promise<void> {
    let failuresInARow = 0;
    while (!this.#stopping) {
      try {
        await this.#reconcile();
        failuresInARow = 0;
      } catch (error) {
        failuresInARow += 1;
        if (failuresInARow <= 3 || failuresInARow % 60 === 0)
          this.#options.log(`data plane: reading instances failed: ${String(error)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#options.pollIntervalMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async #reconcile(): Promise<void> {
    // In launch order (the tag's), not the order the control plane lists them: boot slots go first to the
    // instances whose cells start first.
    const launched = byLaunchOrder(await launchedInstances(this.#options.ec2));
    const wanted = new Set(launched.filter((i) => RUNNING_STATES.has(i.state)).map((i) => i.instanceId));
    for (const instance of launched) {
      if (wanted.has(instance.instanceId)) {
        this.#bootIfWaiting(instance);
        this.#rebootIfAsked(instance);
      }
    }
    await this.#shutDownAllBut(wanted);
  }

  #bootIfWaiting(instance: LaunchedInstance): void {
    const id = instance.instanceId;
    const waiting = !this.instances.has(id) && !this.#booting.has(id) && !this.failures.has(id);
    if (waiting && this.#booting.size < this.#maxConcurrentBoots) {
      this.#rebootsSeen.set(id, instance.reboots);
      this.#booting.set(id, this.#bootOne(instance));
    }
  }

  async #bootOne(instance: LaunchedInstance): Promise<void> {
    const { log } = this.#options;
    try {
      this.instances.set(instance.instanceId, await this.#options.boot(instance));
      log(`data plane: ${instance.instanceId} booted`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.failures.set(instance.instanceId, reason);
      log(`data plane: ${instance.instanceId} failed to boot: ${reason}`);
    } finally {
      this.#booting.delete(instance.instanceId);
      for (const waiter of this.#waiters) waiter();
      // The next instance waiting for a boot slot starts now, not at the next poll.
      this.#wake();
    }
  }

  #rebootIfAsked(instance: LaunchedInstance): void {
    const { log } = this.#options;
    const id = instance.instanceId;
    const handle = this.instances.get(id);
    if (handle && instance.reboots > (this.#rebootsSeen.get(id) ?? 0)) {
      this.#rebootsSeen.set(id, instance.reboots);
      log(`data plane: ${id} rebooted (RebootInstances)`);
      // Not awaited: other instances boot meanwhile (the host's own queue puts a shutdown after it).
      void handle.reboot().catch((error: unknown) => log(`data plane: reboot of ${id} failed: ${String(error)}`));
    }
  }

  /** Side by side, as EC2 stops them: a teardown terminates every instance of a run at once. */
  async #shutDownAllBut(wanted: ReadonlySet<string>): Promise<void> {
    const { log } = this.#options;
    const gone = [...this.instances].filter(([id]) => !wanted.has(id));
    await Promise.all(
      gone.map(async ([id, handle]) => {
        this.instances.delete(id);
        log(`data plane: ${id} is no longer running; shutting it down`);
        await handle
          .shutdown()
          .catch((error: unknown) => log(`data plane: shutdown of ${id} failed: ${String(error)}`));
      }),
    );
  }
}
