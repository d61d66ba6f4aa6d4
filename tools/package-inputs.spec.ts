/**
 * What the package's dist/ is compiled from (`tsc -p tsconfig.build.json --listFilesOnly`, seconds, no
 * `npm pack`): no test module — no spec but the conformance run's own suite, nothing of a `testing/` folder,
 * of tools/ or bench/ — and no module that imports a package the installing project does not get (a
 * devDependency: iam-simulate is AGPL, ajv and the old SDKs are test-only). tools/package.spec.ts checks the
 * packed tarball itself.
 */
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** The repository's own files the build compiles, relative to the root (listed once: tsc takes a while). */
let listing: Promise<string[]> | undefined;
const buildInputs = () => {
  listing ??= listBuildInputs();
  return listing;
};

async function listBuildInputs(): Promise<string[]> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const listed = await execa(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--listFilesOnly'], {
    cwd: ROOT,
  });
  return listed.stdout
    .split('\n')
    .map((line) => relative(ROOT, line.trim()))
    .filter((file) => file && !file.startsWith('..') && !file.split('/').includes('node_modules'));
}

/** The package a bare import specifier names (`@scope/name`, `name`), or undefined for a relative one. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const name = specifier.replace(/^node:/, '');
  return name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0];
}

test('dist/ is compiled from no test module: no spec but the run’s suites, nothing of testing/, tools/ or bench/', async () => {
  const inputs = await buildInputs();
  expect(inputs).toContain('cli/main.ts'); // the list is the build's
  expect(inputs.filter((file) => /\.(spec|fixture)\.ts$/.test(file))).toEqual(['suites/cells.spec.ts']);
  expect(inputs.filter((file) => /(^|\/)testing\/|^(tools|bench)\//.test(file))).toEqual([]);
});

test('no module of dist/ imports a devDependency: only dependencies, optional peers and Node built-ins', async () => {
  const allowed = new Set([
    ...Object.keys(manifest.dependencies),
    ...Object.keys(manifest.peerDependencies),
    ...builtinModules,
  ]);
  const offending: string[] = [];
  for (const file of await buildInputs()) {
    // Type-only imports count too: the declarations in dist/ would name the package.
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const name = packageOf(fileName);
      if (name !== undefined && !allowed.has(name)) offending.push(`${file} imports ${fileName}`);
    }
  }
  expect(offending).toEqual([]);
});
