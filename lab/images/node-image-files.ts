/**
 * What of this machine the node image is made of when it must be a root file system of its own (a real
 * Docker engine, lab/data-plane/real-agent/task-images.ts). The model's node image reaches these in place
 * (a task there sees the project's tree and its node_modules); here they are named one by one, at their
 * places: the Node binary the image's `node` links to, the npm shim with the modules it loads and the
 * package.json that gives them their module type, and every package the shim serves (node-packages.ts)
 * with every package those load, found as Node finds them. Nothing else of the project's tree: not its
 * other files, its dotfiles (.npmrc) or the home folder it may live in.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire, findPackageJSON } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { NPM_SHIM } from './catalog.ts';
import { labNodePackages } from './node-packages.ts';

/** The paths (files and folders) a node image holds beside its own parts, none inside another. */
export async function nodeImageHostPaths(nodeBinary: string): Promise<string[]> {
  const modules = await moduleClosure(NPM_SHIM);
  const manifests = modules.flatMap((file) => findPackageJSON(pathToFileURL(file)) ?? []);
  const packages = packageClosure(labNodePackages().map((pkg) => pkg.source));
  return outermost([...withRealPath(nodeBinary), ...modules, ...manifests, ...packages]);
}

/** The project's own modules a program loads (esbuild's metafile of it; packages stay outside). */
export async function moduleClosure(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: '/',
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).map((input) => resolve('/', input));
}

/** Each package folder, and every package it depends on, transitively: real paths, plus any link named. */
export function packageClosure(roots: readonly string[]): string[] {
  const found = new Set<string>();
  const queue = roots.filter((root) => existsSync(root));
  for (let dir = queue.pop(); dir !== undefined; dir = queue.pop()) {
    if (found.has(dir)) continue;
    for (const path of withRealPath(dir)) found.add(path);
    for (const name of dependencyNames(realpathSync(dir))) {
      const dependency = locatePackage(name, realpathSync(dir));
      if (dependency && !found.has(dependency)) queue.push(dependency);
    }
  }
  return [...found];
}

/**
 * What a package may load: its dependencies, the optional ones present, and its peers where installed.
 * (Node resolves from the package's real folder, as it does without --preserve-symlinks.)
 */
function dependencyNames(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const fields = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;
  return [...new Set(fields.flatMap((field) => Object.keys((manifest[field] as object | undefined) ?? {})))];
}

/**
 * The folder `name` resolves to from `dir` (Node's node_modules lookup), as a real path; only from
 * node_modules folders, never Node's global folders (~/.node_modules, $PREFIX/lib/node), and only a real
 * path inside a node_modules folder: a package linked from a checkout would bring the checkout (its
 * dotfiles, .npmrc, .git) into the image.
 */
function locatePackage(name: string, dir: string): string | undefined {
  const paths = (createRequire(join(dir, 'package.json')).resolve.paths(name) ?? []).filter((folder) =>
    folder.endsWith('/node_modules'),
  );
  const folder = paths
    .map((nodeModules) => join(nodeModules, name))
    .find((candidate) => existsSync(join(candidate, 'package.json')));
  const real = folder === undefined ? undefined : realpathSync(folder);
  return real?.includes('/node_modules/') ? real : undefined;
}

/** A path and, when it is a link (or under one), the real path it leads to: the image needs both. */
function withRealPath(path: string): string[] {
  const real = realpathSync(path);
  return real === path ? [path] : [path, real];
}

/** Without the paths that lie inside another (tar would store their files twice). */
export function outermost(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  const kept: string[] = [];
  for (const path of sorted) {
    if (!kept.some((outer) => path.startsWith(`${outer}/`))) kept.push(path);
  }
  return kept;
}
