/**
 * Materializes the lab's images on this machine: `<dir>/<image>/bin` (the task's /usr/local/bin) and
 * `<dir>/<image>/home` (the template copied into each task's /root). Links point at absolute paths of this
 * machine, so the roots are built at run time instead of being committed.
 */
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BinContext, IMAGES, type ImageId, type ImageSpec } from './catalog.ts';

export interface ImageRoot {
  spec: ImageSpec;
  /** Mounted over {@link IMAGE_BIN_MOUNT} in the task, where the real images keep their tools. */
  binDir: string;
  homeTemplate: string;
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
  }
  return loadImageRoots(dir);
}

function imageRoot(dir: string, spec: ImageSpec): ImageRoot {
  const binDir = join(dir, spec.id, 'bin');
  return {
    spec,
    binDir,
    homeTemplate: join(dir, spec.id, 'home'),
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
