import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moduleFile } from '../../../../infra/files/module-file.ts';
import { buildStep } from '../build-step.ts';
import type { DockerEngine } from '../docker-engine.ts';
import { layerTar } from '../image-tarball.ts';

export const MEMORY_HOG_IMAGE = 'lab-test/memory-hog:1';

/** Imports a one-file image (`/memory-hog <MiB>`, static) into the engine with `docker import`, as task images come in. */
export async function importMemoryHog(engine: DockerEngine): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ecs-taskrole-hog-'));
  try {
    const rootfs = join(work, 'rootfs');
    await mkdir(rootfs);
    const source = moduleFile('./memory-hog.c', import.meta.url);
    await buildStep('gcc', ['-O2', '-static', source, '-o', join(rootfs, 'memory-hog')]);
    await layerTar(rootfs, join(work, 'layer.tar'));
    await engine.docker([
      'import',
      '--change',
      'ENTRYPOINT ["/memory-hog"]',
      join(work, 'layer.tar'),
      MEMORY_HOG_IMAGE,
    ]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
