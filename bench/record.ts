/**
 * Every benchmark records its figures in `bench/out/<name>.json` beside what it prints (with the commit),
 * so two commits can be compared: `diff <(jq . a.json) <(jq . b.json)`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where benchmarks keep what they write (git ignores it). */
export const BENCH_OUT = fileURLToPath(new URL('./out/', import.meta.url));

export function recordFigures(bench: string, figures: Record<string, unknown>): void {
  mkdirSync(BENCH_OUT, { recursive: true });
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {}
  const file = `${BENCH_OUT}${bench}.json`;
  writeFileSync(file, `${JSON.stringify({ bench, commit, at: new Date().toISOString(), figures }, null, 2)}\n`);
  process.stdout.write(`figures recorded in ${file}\n`);
}

export const median = (values: readonly number[]) => percentile(values, 0.5);

/** Nearest-rank percentile; 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}
