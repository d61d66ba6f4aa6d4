/** Lab control plane: `lab up` to ready (moto found, started, warmed) and `lab down`; median of 3. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMotoPython, labDown, labUp } from '../lab/index.ts';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const ups: number[] = [];
const downs: number[] = [];
let found = 0;
for (let run = 0; run < 3; run += 1) {
  const dir = await mkdtemp(join(tmpdir(), 'etr-bench-lab-'));
  let started = performance.now();
  await findMotoPython();
  found = performance.now() - started;
  started = performance.now();
  await labUp(dir);
  ups.push(performance.now() - started);
  started = performance.now();
  await labDown(dir);
  downs.push(performance.now() - started);
}
process.stdout.write(
  `finding moto's Python: ${found.toFixed(0)} ms (last run)\n` +
    `lab up to ready (median of 3): ${median(ups).toFixed(0)} ms [${ups.map((v) => v.toFixed(0)).join(', ')}] (target < 5000)\n` +
    `lab down (median of 3): ${median(downs).toFixed(0)} ms\n`,
);
