/**
 * What the node image holds of this machine as a root file system of its own (node-image-files.ts): Node,
 * the npm shim and what it loads, every served package and what those load, and nothing else of the
 * project's tree.
 */
import { findPackageJSON } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { NPM_SHIM, PROJECT_ROOT } from './catalog.ts';
import { moduleClosure, nodeImageHostPaths, outermost } from './node-image-files.ts';
import { labNodePackages } from './node-packages.ts';

/** Whether `path` is in the image: one of the paths, or inside one. */
const holds = (paths: readonly string[], path: string) =>
  paths.some((outer) => path === outer || path.startsWith(`${outer}/`));

test('the npm shim loads its own module and node-packages, nothing of the harness', async () => {
  const modules = await moduleClosure(NPM_SHIM);
  expect(modules).toContain(NPM_SHIM);
  expect(modules).toContain(join(dirname(NPM_SHIM), `node-packages${NPM_SHIM.slice(-3)}`));
  expect(modules.every((file) => dirname(file) === dirname(NPM_SHIM))).toBe(true);
});

test('the image holds Node, the shim with its package.json, and every file a served package loads', async () => {
  const paths = await nodeImageHostPaths(process.execPath);
  expect(holds(paths, process.execPath)).toBe(true);
  expect(holds(paths, NPM_SHIM)).toBe(true);
  expect(paths).toContain(findPackageJSON(pathToFileURL(NPM_SHIM)));
  const served = labNodePackages();
  expect(served.map((pkg) => pkg.name)).toEqual(expect.arrayContaining(['aws-sdk', '@aws-sdk/client-sts']));
  for (const pkg of served) {
    // Node itself says what loading the package reads (its module cache): the image must hold each file.
    const loaded = await execa(process.execPath, [
      '-e',
      'require(process.argv[1]); console.log(JSON.stringify(Object.keys(require.cache)))',
      pkg.source,
    ]);
    const files = JSON.parse(loaded.stdout) as string[];
    expect(files.length, pkg.source).toBeGreaterThan(1);
    expect(
      files.filter((file) => !holds(paths, file)),
      pkg.source,
    ).toEqual([]);
  }
});

test("nothing else of the project's tree: only the shim's modules and package.json outside node_modules", async () => {
  const paths = await nodeImageHostPaths(process.execPath);
  const modules = await moduleClosure(NPM_SHIM);
  const own = paths.filter((path) => path.startsWith(`${PROJECT_ROOT}/`) && !path.includes('/node_modules/'));
  expect(own.sort()).toEqual([...modules, join(PROJECT_ROOT, 'package.json')].sort());
  for (const outside of [PROJECT_ROOT, join(PROJECT_ROOT, 'node_modules'), join(PROJECT_ROOT, '.npmrc')]) {
    expect(holds(paths, outside), outside).toBe(false);
  }
});

test('outermost drops the paths inside another, not the ones beside it', () => {
  expect(outermost(['/a/b/c', '/a/b', '/a/b-c', '/a/b', '/d'])).toEqual(['/a/b', '/a/b-c', '/d']);
});
