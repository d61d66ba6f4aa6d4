import { fileURLToPath } from 'node:url';

/**
 * The file of one of this code base's modules, to hand to a process that runs it (a fork, Playwright's
 * `--config`): `./daemon.ts` in a clone, where Node runs the TypeScript sources, `./daemon.js` in the
 * installed package, which ships them compiled (dist/). `from` is the caller's `import.meta.url`.
 */
export function moduleFile(specifier: string, from: string): string {
  const compiled = from.endsWith('.js');
  return fileURLToPath(new URL(compiled ? specifier.replace(/\.ts$/, '.js') : specifier, from));
}
