/**
 * Materializes the lab's images on this machine: `<dir>/<image>/bin` (the task's /usr/local/bin) and
 * `<dir>/<image>/home` (the template copied into each task's /root). Links point at absolute paths of this
 * machine, so the roots are built at run time instead of being committed.
 */
import { chmod, copyFile, link, mkdir, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BinContext, IMAGES, type ImageId, type ImageSpec } from './catalog.ts';
import { imageCommands } from './image-commands.ts';
import { buildPackageStore, packageManagers } from './image-packages.ts';

export interface ImageRoot {
  spec: ImageSpec;
  /** Mounted over {@link IMAGE_BIN_MOUNT} in the task, where the real images keep their tools. */
  binDir: string;
  homeTemplate: string;
  /** The image's /usr/bin and /usr/sbin (its commands only); each task gets its own copy (installs land there). */
  systemDir: string;
  /** The image's environment (its ENV and PATH) as the container sees it. */
  env: Record<string, string>;
  /** The same for running the image's tools outside a task (tests): the bin directory first on PATH. */
  hostEnv: Record<string, string>;
}

/** python:3.11-slim and node:22-slim keep python/pip/node/npm here; amazonlinux has it first on PATH. */
export const IMAGE_BIN_MOUNT = '/usr/local/bin';

export interface LabImages {
  dir: string;
  root(id: ImageId): ImageRoot;
}

export async function buildImageRoots(
  dir: string,
  context: BinContext = { nodeBinary: process.execPath },
): Promise<LabImages> {
  for (const spec of IMAGES) {
    const { binDir, homeTemplate } = imageRoot(dir, spec);
    await rm(join(dir, spec.id), { recursive: true, force: true });
    await mkdir(binDir, { recursive: true });
    await mkdir(homeTemplate, { recursive: true });
    for (const [name, entry] of Object.entries(spec.bin(context))) {
      const path = join(binDir, name);
      if (entry.kind === 'link') await symlink(entry.target, path);
      else {
        await writeFile(path, entry.text);
        await chmod(path, 0o755);
      }
    }
    for (const [name, text] of Object.entries(spec.home)) await writeFile(join(homeTemplate, name), text);
    await buildSystemDir(imageRoot(dir, spec).systemDir, spec.id, join(dir, 'packages'));
  }
  await buildPackageStore(join(dir, 'packages'));
  return loadImageRoots(dir);
}

function imageRoot(dir: string, spec: ImageSpec): ImageRoot {
  const binDir = join(dir, spec.id, 'bin');
  return {
    spec,
    binDir,
    homeTemplate: join(dir, spec.id, 'home'),
    systemDir: join(dir, spec.id, 'system'),
    env: { ...spec.env, PATH: spec.path },
    hostEnv: { ...spec.env, PATH: `${binDir}:${spec.path}` },
  };
}

/** The roots {@link buildImageRoots} made in `dir` (e.g. in the agent process, given the launcher's dir). */
export function loadImageRoots(dir: string): LabImages {
  const roots = new Map<ImageId, ImageRoot>(IMAGES.map((spec) => [spec.id, imageRoot(dir, spec)]));
  return {
    dir,
    root(id) {
      const root = roots.get(id);
      if (!root) throw new Error(`no lab image root for ${id}`);
      return root;
    },
  };
}

/**
 * `<systemDir>/bin` and `/sbin`: this machine's programs for the image's commands (image-commands.ts), as
 * files (a link to /usr/bin would point into the directory it hides), and the image's package managers.
 */
async function buildSystemDir(systemDir: string, id: ImageId, packageStore: string): Promise<void> {
  for (const sub of ['bin', 'sbin']) await mkdir(join(systemDir, sub), { recursive: true });
  for (const command of imageCommands(id)) {
    await placeFile(await realpath(command.source), join(systemDir, command.dir, command.name));
  }
  for (const [name, text] of Object.entries(packageManagers(id, packageStore))) {
    await writeFile(join(systemDir, 'bin', name), text);
    await chmod(join(systemDir, 'bin', name), 0o755);
  }
}

/** `target` replaced by `source` (an image root is rebuilt over the one before). */
async function placeFile(source: string, target: string): Promise<void> {
  await rm(target, { force: true });
  await linkOrCopy(source, target);
}

/** A hard link where the file system allows it (no copy), else a copy. */
function linkOrCopy(source: string, target: string): Promise<void> {
  return link(source, target).catch(() => copyFile(source, target));
}

/**
 * A task's own /usr/bin and /usr/sbin, made from its image's (hard links: cheap, and an install in the task
 * writes new files, never into the image's).
 */
export async function taskSystemDir(root: ImageRoot, dir: string): Promise<{ bin: string; sbin: string }> {
  const result = { bin: join(dir, 'bin'), sbin: join(dir, 'sbin') };
  // A new directory per task: its links are made side by side (hundreds of commands, on every task's start).
  await Promise.all(
    (['bin', 'sbin'] as const).map(async (sub) => {
      await mkdir(result[sub], { recursive: true });
      const names = await readdir(join(root.systemDir, sub));
      await Promise.all(names.map((name) => linkOrCopy(join(root.systemDir, sub, name), join(result[sub], name))));
    }),
  );
  return result;
}
