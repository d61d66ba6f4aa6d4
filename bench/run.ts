/**
 * `npm run bench`: runs every benchmark in this folder (or those named: `npm run bench -- report-render`)
 * one after another — they share two cores — and prints their figures. Options after the names go to each
 * benchmark (`npm run bench -- default-matrix --workers 4`). Benchmarks print medians and ratios; no
 * benchmark asserts a time.
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const firstOption = args.findIndex((arg) => arg.startsWith('--'));
const wanted = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
const benches = (await readdir(here))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.spec.ts'))
  .filter((file) => wanted.length === 0 || wanted.includes(basename(file, '.ts')))
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n== ${basename(file, '.ts')}\n`);
  const result = await execa(process.execPath, [join(here, file), ...options], { stdio: 'inherit', reject: false });
  if (result.exitCode !== 0) {
    failed += 1;
    process.stdout.write(`(benchmark ${file} exited ${result.exitCode})\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
