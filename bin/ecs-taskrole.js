#!/usr/bin/env node
// A built-in, linked before the first statement runs (as every static import is).
import { existsSync } from 'node:fs';

// `run` owns a teardown: a SIGINT, SIGTERM or SIGHUP that comes while it loads is held for it, not fatal.
// Held from the first statement, before anything loads: Node's start is the only unguarded moment (about
// 0.15 s on a loaded machine); loading the type stripper for a module alone took 0.3 s more, and that window
// killed runs. run/cli/early-signals.ts takes them over (holdSignals, takeHeldSignals).
if (process.argv[2] === 'run') {
  const early = { launcher: process.ppid, held: [], hold: (signal) => early.held.push(signal) };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, early.hold);
  globalThis[Symbol.for('ecs-taskrole.early-signals')] = early;
}
// Entry point. The project brings its own Node 22 (npm package `node`), which `npx` and npm scripts put
// first on PATH; refuse older runtimes with instructions instead of a syntax error from a .ts import.

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
const { main } = await import(module('cli/main'));
const code = await main(process.argv);
// Exit at once (a wait an interrupted run abandoned, a registration poll, must not hold the process open),
// but only once stdout and stderr have drained: on a pipe Node writes asynchronously, and an exit before the
// drain cut `plan --json` at 64 KiB. An empty write's callback runs after every write before it.
const drained = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
