/**
 * SIGINT, SIGTERM and SIGHUP during a run, and the death of the process that started it: the first aborts
 * what is in progress (provisioning stops at its next step, Playwright is asked to stop its cells) and the
 * run goes on to its teardown; later ones only say that the teardown is under way. The process never dies
 * half-way through its own cleanup.
 */

import { watchOwner } from '../owner-watch.ts';
import { INTERRUPT_SIGNALS, type InterruptSignal, launcherPid, takeHeldSignals } from './early-signals.ts';

export { INTERRUPT_SIGNALS, type InterruptSignal };
/**
 * `launcher gone`: the run was reparented. Whatever started it (npx's `sh -c`, `npm run`, a script) died,
 * usually of a signal meant for the run that it did not pass on: a wrapper killed by SIGTERM leaves its
 * child running, so that signal would otherwise never reach the run.
 */
export type InterruptCause = InterruptSignal | 'launcher gone';

/** How often the run looks at its parent: a cheap syscall, and a CI runner kills the tree 10 s after asking. */
const LAUNCHER_POLL_MS = 250;

export interface Interruptions {
  readonly signal: AbortSignal;
  /** The first interruption, if any. */
  received(): InterruptCause | undefined;
  /** Called with each interruption (the run passes the first on to the cells' runner). */
  onSignal(listener: (cause: InterruptCause) => void): () => void;
  dispose(): void;
}

export function watchInterruptions(say: (line: string) => void): Interruptions {
  const controller = new AbortController();
  const listeners = new Set<(cause: InterruptCause) => void>();
  let first: InterruptCause | undefined;
  const handle = (cause: InterruptCause) => {
    if (first) {
      say(`${cause}: still tearing down; it finishes by itself (or \`ecs-taskrole sweep --run ID\` later)`);
    } else {
      first = cause;
      say(`interrupted (${cause}): stopping, then tearing down what this run created…`);
      controller.abort();
    }
    for (const listener of listeners) listener(cause);
  };
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, handle);
  // Those that came while the command loaded (the bin held them: early-signals.ts).
  for (const signal of takeHeldSignals()) handle(signal);
  // A run started by init (a service manager, `setsid -f`) has no launcher to lose.
  const launcher = launcherPid();
  const stopLauncherWatch =
    launcher > 1
      ? watchOwner({ ownerPid: launcher, onGone: () => handle('launcher gone'), intervalMs: LAUNCHER_POLL_MS })
      : () => {};
  return {
    signal: controller.signal,
    received: () => first,
    onSignal(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      for (const signal of INTERRUPT_SIGNALS) process.off(signal, handle);
      stopLauncherWatch();
    },
  };
}
