/**
 * SIGINT, SIGTERM and SIGHUP during a run: the first aborts what is in progress (provisioning stops at its
 * next step, Playwright is asked to stop its cells) and the run goes on to its teardown; later ones only
 * say that the teardown is under way. The process never dies half-way through its own cleanup.
 */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

export interface Interruptions {
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  received(): InterruptSignal | undefined;
  /** Called with each signal (the cells' runner forwards the ones its process group did not get). */
  onSignal(listener: (signal: InterruptSignal) => void): () => void;
  dispose(): void;
}

export function watchInterruptions(say: (line: string) => void): Interruptions {
  const controller = new AbortController();
  const listeners = new Set<(signal: InterruptSignal) => void>();
  let first: InterruptSignal | undefined;
  const handle = (signal: InterruptSignal) => {
    if (first) {
      say(`${signal}: still tearing down; it finishes by itself (or \`ecs-taskrole sweep --run ID\` later)`);
    } else {
      first = signal;
      say(`interrupted (${signal}): stopping, then tearing down what this run created…`);
      controller.abort();
    }
    for (const listener of listeners) listener(signal);
  };
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, handle);
  return {
    signal: controller.signal,
    received: () => first,
    onSignal(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      for (const signal of INTERRUPT_SIGNALS) process.off(signal, handle);
    },
  };
}
