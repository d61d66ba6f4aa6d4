#!/usr/bin/env node
// Entry point. The project brings its own Node 22 (npm package `node`), which `npx` and npm scripts put
// first on PATH; refuse older runtimes with instructions instead of a syntax error from a .ts import.
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(
    `ecs-taskrole needs Node >= 22.22 (this is ${process.version}).\n` +
      'Run it as `npx ecs-taskrole ...` after `npm install` (in the repository, or in the project that installed it): it installs Node 22 itself.\n',
  );
  process.exit(2);
}
// A clone runs the TypeScript sources; the package ships them compiled (dist/, `npm run build`): Node
// strips no types under node_modules.
const fromSources = existsSync(new URL('../cli/main.ts', import.meta.url));
const module = (path) => (fromSources ? new URL(`../${path}.ts`, import.meta.url).href : `../dist/${path}.js`);
// `run` owns a teardown: a signal that comes while its modules load (seconds) is held for it, not fatal.
if (process.argv[2] === 'run') (await import(module('run/cli/early-signals'))).holdSignals();
const { main } = await import(module('cli/main'));
// Exit at once: a wait an interrupted run abandoned (a registration poll) must not hold the process open.
process.exit(await main(process.argv));
