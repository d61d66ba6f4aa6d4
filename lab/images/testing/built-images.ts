/** For specs: the lab's image roots, built once for a spec file's tests in a folder of their own. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useResource } from '../../../testing/use-resource.ts';
import { buildImageRoots, type LabImages } from '../image-roots.ts';

export interface BuiltImages {
  images: LabImages;
  /** The spec's folder (the roots are in its `images/`), for its own scratch folders. */
  dir: string;
  destroy(): Promise<void>;
}

/** Built before the file's (or describe block's) first test, removed after its last. */
export function useBuiltImages(prefix: string): () => BuiltImages {
  return useResource('the image roots', async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    try {
      const images = await buildImageRoots(join(dir, 'images'));
      return { images, dir, destroy: () => rm(dir, { recursive: true, force: true }) };
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  });
}
