/**
 * The images every real-agent instance starts with (the agent image, the pause image it loads itself, the
 * lab's task images), loaded once per lab into a seed data root by an engine of its own, then cloned into
 * each instance's engine before it starts — as an AMI's disk comes with its cached images. The clone
 * hard-links the image layers' files (overlay2 `diff` folders: lower layers, which no engine writes) and
 * copies everything else (the engine's databases, which each engine writes): a gigabyte of task images
 * costs each instance seconds and no disk. Without hard links (another file system) the layers are copied.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildStep } from './build-step.ts';
import { startDockerEngine } from './docker-engine.ts';
import { importTaskImages, type TaskImage } from './task-images.ts';

export interface SeedOptions {
  /** Where the seed lives: its data root (kept) and its engine's folder (removed once loaded). */
  dir: string;
  /** A network namespace the seed engine may run in (it makes no network: `--bridge=none`). */
  netns: string;
  /** `docker save` tarballs to load (the agent image). */
  loads: readonly string[];
  taskImages: readonly TaskImage[];
}

/** The seed's data root, made by an engine that is stopped again before anyone clones it. */
export async function makeEngineSeed(options: SeedOptions): Promise<string> {
  const dataRoot = join(options.dir, 'data');
  await rm(options.dir, { recursive: true, force: true });
  const engine = await startDockerEngine({
    netns: options.netns,
    dir: join(options.dir, 'e'),
    dataRoot,
    cgroupParent: `/${options.netns}-seed`,
    network: false,
  });
  try {
    for (const tarball of options.loads) await engine.docker(['load', '--input', tarball], { timeoutMs: 600_000 });
    await importTaskImages(engine, options.taskImages);
  } finally {
    await engine.stop();
  }
  return dataRoot;
}

/** `target` (absent or empty) becomes a copy of the seed's data root whose image layers are hard links. */
export async function cloneDataRoot(seed: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true, mode: 0o710 });
  for (const entry of await readdir(seed)) {
    if (entry === 'overlay2') await cloneLayers(join(seed, entry), join(target, entry));
    else await copyTree(join(seed, entry), join(target, entry));
  }
}

async function cloneLayers(seed: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true, mode: 0o710 });
  for (const layer of await readdir(seed)) {
    if (layer === 'l') {
      await copyTree(join(seed, layer), join(target, layer));
      continue;
    }
    await mkdir(join(target, layer), { recursive: true, mode: 0o710 });
    for (const part of await readdir(join(seed, layer))) {
      const from = join(seed, layer, part);
      const to = join(target, layer, part);
      if (part === 'diff') await buildStep('cp', ['-a', '--link', from, to]).catch(() => copyAfresh(from, to));
      else await copyTree(from, to);
    }
  }
}

async function copyAfresh(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await copyTree(from, to);
}

function copyTree(from: string, to: string): Promise<string> {
  return buildStep('cp', ['-a', from, to]);
}
