/**
 * `ecs-taskrole run` takes seconds to load its modules on a loaded machine (tens of seconds beside other
 * work), and a SIGINT, SIGTERM or SIGHUP in that time would kill it with the default action: its Playwright
 * runner and a lab it had begun to start would be left to stop by themselves. The bin holds them from its
 * first line (this module loads nothing) until `watchInterruptions` takes them over and acts on them.
 */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

const held: InterruptSignal[] = [];
const hold = (signal: InterruptSignal) => {
  held.push(signal);
};
let holding = false;
let launcher: number | undefined;

/** From now on these signals are kept, not acted on; the launcher is the parent the process started with. */
export function holdSignals(): void {
  if (holding) return;
  holding = true;
  launcher = process.ppid;
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, hold);
}

/** Stops holding (call once the real handlers are on); the signals that arrived meanwhile, in order. */
export function takeHeldSignals(): InterruptSignal[] {
  if (!holding) return [];
  holding = false;
  for (const signal of INTERRUPT_SIGNALS) process.off(signal, hold);
  return held.splice(0);
}

/** The process that started this one: recorded by `holdSignals` (it may have died since), else the parent. */
export function launcherPid(): number {
  return launcher ?? process.ppid;
}
