/**
 * `node --import testing/heavy-modules.ts …`: prints to stderr, at exit, the heavy packages the process
 * loaded (the AWS SDK, Playwright, testcontainers, execa), or `none`. The CLI start-up spec reads it.
 */
import { registerHooks } from 'node:module';

const HEAVY =
  /node_modules\/(@aws-sdk\/[^/]+|@playwright\/[^/]+|playwright[^/]*|testcontainers|@testcontainers\/[^/]+|execa)\//;
const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    const match = HEAVY.exec(result.url);
    if (match?.[1]) loaded.add(match[1]);
    return result;
  },
});
process.on('exit', () => process.stderr.write(`heavy modules: ${[...loaded].sort().join(' ') || 'none'}\n`));
