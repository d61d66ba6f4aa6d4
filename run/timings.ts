import { z } from 'zod';

/**
 * How long each step of the run took (`--out/run-timings.json`; the benchmark reads it). `cellsMs` runs
 * from the run's start: the cells' runner starts with it, so open, provision and cells overlap.
 */
export const runTimingsSchema = z.strictObject({
  openMs: z.number().optional(),
  provisionMs: z.number().optional(),
  cellsMs: z.number().optional(),
  teardownMs: z.number().optional(),
  closeMs: z.number().optional(),
});
export type RunTimings = z.infer<typeof runTimingsSchema>;

/** Times one step into `timings` (also when it throws). */
export async function timed<T>(timings: RunTimings, step: keyof RunTimings, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await action();
  } finally {
    timings[step] = Math.round(performance.now() - started);
  }
}
