#!/usr/bin/env node
// Entry point. The project brings its own Node 22 (npm package `node`), which `npx` and npm scripts put
// first on PATH; refuse older runtimes with instructions instead of a syntax error from a .ts import.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(
    `ecs-taskrole needs Node >= 22.22 (this is ${process.version}).\n` +
      'Run it as `npx ecs-taskrole ...` from the repository after `npm install`: the project installs Node 22 itself.\n',
  );
  process.exit(2);
}
const { main } = await import('../cli/main.ts');
// Exit at once: a wait an interrupted run abandoned (a registration poll) must not hold the process open.
process.exit(await main(process.argv));
