/**
 * How much CPU this machine has free now, for parallelism that is bound by CPU (the lab's cells, its boots):
 * the cores minus the 1-minute load average (what other work keeps runnable). Instant and read-only, so a
 * help text or a config file may ask for it; the 1-minute average smooths a burst that would otherwise decide a
 * whole run.
 */
import { availableParallelism, loadavg } from 'node:os';

export interface Headroom {
  cores: number;
  /** The 1-minute load average. */
  load: number;
  /** Cores free of other work: cores − load, at least 0. */
  idleCores: number;
}

export function cpuHeadroom(): Headroom {
  const cores = availableParallelism();
  const load = loadavg()[0] ?? 0;
  return { cores, load, idleCores: Math.max(0, cores - load) };
}

/**
 * What many CPU-bound things at once the headroom holds: `perIdleCore` for each idle core (rounded: a core
 * mostly free counts), at least 1, at most `most`.
 */
export function parallelismForHeadroom(idleCores: number, perIdleCore: number, most: number): number {
  return Math.max(1, Math.min(most, Math.round(idleCores * perIdleCore)));
}
