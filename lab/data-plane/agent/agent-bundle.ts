/**
 * The lab agent as one JavaScript file. Each instance runs its own agent process; from the sources, each
 * would resolve and load some 680 modules and strip the TypeScript of 29 (about 0.4 s of CPU), twenty of
 * them at once at a run's start, when the machine is busiest. The bundle loads in about 0.13 s. The data
 * plane builds it once when it starts (about 0.3 s); a launcher without one runs the sources.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { moduleFile } from '../../../infra/files/module-file.ts';

const AGENT_MAIN = moduleFile('./agent-main.ts', import.meta.url);

/**
 * Every module keeps its own `import.meta.url` (the file it was bundled from): the code finds files beside
 * itself (the npm shim, the project's node_modules) and must find the same ones from the bundle.
 */
const ownModuleUrls: Plugin = {
  name: 'own-module-urls',
  setup(bundle) {
    bundle.onLoad({ filter: /\.[cm]?[jt]s$/ }, async ({ path }) => {
      if (path.includes('/node_modules/')) return undefined;
      const source = await readFile(path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return {
        contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
        loader: path.endsWith('ts') ? 'ts' : 'js',
      };
    });
  },
};

/** Writes `<dir>/agent-main.mjs` and returns its path. */
export async function buildAgentBundle(dir: string): Promise<string> {
  const outfile = join(dir, 'agent-main.mjs');
  await build({
    entryPoints: [AGENT_MAIN],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    // The CommonJS modules inside (the SDK's) require Node's built-ins, which an ES module has no require for.
    banner: {
      js: "import { createRequire as requireFrom } from 'node:module'; const require = requireFrom(import.meta.url);",
    },
    plugins: [ownModuleUrls],
    logLevel: 'silent',
  });
  return outfile;
}
