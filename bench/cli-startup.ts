/**
 * How fast the CLI answers: `--help`, `plan` of the default matrix, and planning a 1,296-cell matrix
 * (time and peak memory). Medians of 5. Targets: `--help` ≤ 0.3 s, `plan` ≤ 0.5 s, 1,296 cells ≤ 1 s and
 * ≤ 250 MB.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { median, recordFigures } from './record.ts';

const BIN = fileURLToPath(new URL('../bin/ecs-taskrole.js', import.meta.url));
// 4 × 3 × 3 × 3 × 3 × 4 = 1,296 cells on one instance group's worth of dimensions and more.
const BIG_MATRIX = `name: big
cross:
  - client: [awscli-v2, awscli-v1, sdk-js-v3, sdk-js-v2]
    taskProxy: [none, with-no-proxy, without-no-proxy]
    process: [pid1, env-reset-child, env-reset-child-profile-fix]
    trust: [ecs-tasks, ecs-tasks-source-account, ec2]
    agentProxy: [none, with-no-proxy, without-no-proxy]
    taskRole: [set, unset]
    load: [single, burst]
`;

/** Wall time (ms) and peak resident memory (MB) of one CLI invocation, via GNU time. */
async function measure(args: string[]): Promise<{ ms: number; mb: number }> {
  const started = performance.now();
  const result = await execa('/usr/bin/time', ['-f', '%M', process.execPath, BIN, ...args], { reject: false });
  const ms = performance.now() - started;
  const kb = Number(String(result.stderr).trim().split('\n').pop());
  return { ms, mb: Math.round(kb / 1024) };
}

const dir = await mkdtemp(join(tmpdir(), 'etr-bench-cli-'));
try {
  const big = join(dir, 'big.yaml');
  await writeFile(big, BIG_MATRIX);
  const figures: Record<string, { medianMs: number; peakMb: number }> = {};
  for (const [name, args, target] of [
    ['--help', ['--help'], 300],
    ['plan', ['plan'], 500],
    ['plan of 1,296 cells', ['plan', '--matrix', big, '--max-cells', '2000', '--json'], 1000],
  ] as const) {
    const runs = [];
    for (let i = 0; i < 5; i += 1) runs.push(await measure([...args]));
    const medianMs = Math.round(median(runs.map((run) => run.ms)));
    const peakMb = Math.max(...runs.map((run) => run.mb));
    figures[name] = { medianMs, peakMb };
    process.stdout.write(`${name}: median ${medianMs} ms (target ≤ ${target} ms), peak ${peakMb} MB\n`);
  }
  recordFigures('cli-startup', figures);
} finally {
  await rm(dir, { recursive: true, force: true });
}
