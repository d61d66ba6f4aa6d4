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

export function startFleet({ ec2, boot, pollIntervalMs, maxConcurrentBoots = Infinity, log }: FleetOptions): Fleet {
  const instances = new Map<string, InstanceHandle>();
  const booting = new Map<string, Promise<void>>();
  const failures = new Map<string, string>();
  const rebootsSeen = new Map<string, number>();
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  const bootOne = async (instance: LaunchedInstance) => {
    try {
      instances.set(instance.instanceId, await boot(instance));
      log(`data plane: ${instance.instanceId} booted`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.set(instance.instanceId, reason);
      log(`data plane: ${instance.instanceId} failed to boot: ${reason}`);
    } finally {
      booting.delete(instance.instanceId);
      notify();
      // The next instance waiting for a boot slot starts now, not at the next poll.
      wake();
    }
  };

  const reconcile = async () => {
    // In launch order (the tag's), not the order the control plane lists them: boot slots go first to the
    // instances whose cells start first.
    const launched = byLaunchOrder(await launchedInstances(ec2));
    const wanted = new Set(launched.filter((i) => RUNNING_STATES.has(i.state)).map((i) => i.instanceId));
    for (const instance of launched) {
      const id = instance.instanceId;
      const waiting = wanted.has(id) && !instances.has(id) && !booting.has(id) && !failures.has(id);
      if (waiting && booting.size < maxConcurrentBoots) {
        rebootsSeen.set(id, instance.reboots);
        booting.set(id, bootOne(instance));
      }
      const handle = instances.get(id);
      if (handle && wanted.has(id) && instance.reboots > (rebootsSeen.get(id) ?? 0)) {
        rebootsSeen.set(id, instance.reboots);
        log(`data plane: ${id} rebooted (RebootInstances)`);
        // Not awaited: other instances boot meanwhile (the host's own queue puts a shutdown after it).
        void handle.reboot().catch((error: unknown) => log(`data plane: reboot of ${id} failed: ${String(error)}`));
      }
    }
    // Side by side, as EC2 stops them: a teardown terminates every instance of a run at once.
    const gone = [...instances].filter(([id]) => !wanted.has(id));
    await Promise.all(
      gone.map(async ([id, handle]) => {
        instances.delete(id);
        log(`data plane: ${id} is no longer running; shutting it down`);
        await handle
          .shutdown()
          .catch((error: unknown) => log(`data plane: shutdown of ${id} failed: ${String(error)}`));
      }),
    );
  };

  let stopping = false;
  let wake: () => void = () => {};
  const loop = (async () => {
    let failuresInARow = 0;
    while (!stopping) {
      try {
        await reconcile();
        failuresInARow = 0;
      } catch (error) {
        failuresInARow += 1;
        if (failuresInARow <= 3 || failuresInARow % 60 === 0)
          log(`data plane: reading instances failed: ${String(error)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    instances,
    failures,
    waitForInstance(instanceId, timeoutMs = 300_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const handle = instances.get(instanceId);
          const failure = failures.get(instanceId);
          if (!handle && !failure) return;
          waiters.delete(check);
          clearTimeout(timer);
          if (handle) resolve(handle);
          else reject(new Error(`instance ${instanceId} failed to boot: ${failure}`));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`instance ${instanceId} did not boot within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        wake();
        check();
      });
    },
    async stop() {
      stopping = true;
      wake();
      await loop;
      await Promise.all(booting.values());
      await Promise.all([...instances.values()].map((handle) => handle.shutdown().catch(() => undefined)));
      instances.clear();
    },
  };
}
