/**
 * `ecs-taskrole run` takes seconds to load its modules on a loaded machine (tens of seconds beside other
 * work), and a SIGINT, SIGTERM or SIGHUP in that time would kill it with the default action: its Playwright
 * runner and a lab it had begun to start would be left to stop by themselves. The bin holds them from its
 * first statement (in plain JavaScript, before any module loads: it cannot import this one, which would load
 * the type stripper first) in the record below, until `watchInterruptions` takes them over and acts on them.
 */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

/** What the bin (or `holdSignals`) leaves on the global object: one record per process. */
interface EarlyHold {
  /** The parent the process started with. */
  launcher: number;
  held: InterruptSignal[];
  hold: (signal: InterruptSignal) => void;
  released?: boolean;
}
const EARLY_HOLD = Symbol.for('ecs-taskrole.early-signals');
const slot = globalThis as { [EARLY_HOLD]?: EarlyHold };

/** From now on these signals are kept, not acted on (unless the bin already holds them). */
export function holdSignals(): void {
  if (slot[EARLY_HOLD]) return;
  const early: EarlyHold = { launcher: process.ppid, held: [], hold: (signal) => early.held.push(signal) };
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, early.hold);
  slot[EARLY_HOLD] = early;
}

/** Stops holding (call once the real handlers are on); the signals that arrived meanwhile, in order. */
export function takeHeldSignals(): InterruptSignal[] {
  const early = slot[EARLY_HOLD];
  if (!early || early.released) return [];
  early.released = true;
  for (const signal of INTERRUPT_SIGNALS) process.off(signal, early.hold);
  return early.held.splice(0);
}

/** The process that started this one: recorded when holding began (it may have died since), else the parent. */
export function launcherPid(): number {
  return slot[EARLY_HOLD]?.launcher ?? process.ppid;
}
