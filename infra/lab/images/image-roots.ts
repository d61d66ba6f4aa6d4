/**
 * Materializes the lab's images on this machine: `<dir>/<image>/bin` (first on the image's PATH) and
 * `<dir>/<image>/home` (the template copied into each task's /root). Links point at absolute paths of this
 * machine, so the roots are built at run time instead of being committed.
 */
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BinContext, IMAGES, type ImageId, type ImageSpec } from './catalog.ts';

export interface ImageRoot {
  spec: ImageSpec;
  binDir: string;
  homeTemplate: string;
  /** The image's environment: its ENV plus PATH with the lab bin directory first. */
  env: Record<string, string>;
}

export interface LabImages {
  dir: string;
  root(id: ImageId): ImageRoot;
}

export async function buildImageRoots(
  dir: string,
  context: BinContext = { nodeBinary: process.execPath },
): Promise<LabImages> {
  const roots = new Map<ImageId, ImageRoot>();
  for (const spec of IMAGES) {
    const binDir = join(dir, spec.id, 'bin');
    const homeTemplate = join(dir, spec.id, 'home');
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
    roots.set(spec.id, { spec, binDir, homeTemplate, env: { ...spec.env, PATH: `${binDir}:${spec.path}` } });
  }
  return {
    dir,
    root(id) {
      const root = roots.get(id);
      if (!root) throw new Error(`no lab image root for ${id}`);
      return root;
    },
  };
}
