/**
 * `npm run build` (and `npm pack`'s prepack): the package's dist/, a mirror of the source tree that Node
 * runs from node_modules — the TypeScript compiled to JavaScript with declarations (tsconfig.build.json;
 * no specs but the conformance run's own suites/) and a copy of the files the code reads beside itself
 * (`new URL('../../fixtures/…', import.meta.url)`), so every such path holds in both layouts.
 * A clone needs none of this: Node runs the sources.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
/** What the code reads at run time, relative to the module reading it. */
const RUNTIME_ASSETS = ['fixtures', 'lab/control-plane/moto-lab'];

rmSync(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compile = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compile.status !== 0) process.exit(compile.status ?? 1);
/** Data only the project's own specs read (fixtures/ci: the workflow schema the CI examples are checked with). */
const TEST_ONLY_ASSETS = [join(ROOT, 'fixtures', 'ci')];
for (const asset of RUNTIME_ASSETS) {
  cpSync(join(ROOT, asset), join(DIST, asset), {
    recursive: true,
    filter: (source) => !TEST_ONLY_ASSETS.includes(source),
  });
}
