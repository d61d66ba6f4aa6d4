/**
 * The lab's task images as Docker images, for a real engine (`--lab-agent real`). The model's image roots
 * (lab/images/) are overlays over this machine's files: a task sees this machine's root with the image's
 * /usr/bin, /usr/sbin, /usr/local/bin and /root laid over it. A real engine needs a root file system, so
 * each image is made once per lab as one layer: the image's own parts at their places, plus the machine's
 * files they run on (its libraries, /etc, and the runtime the image's clients are). Imported into each
 * instance's engine with `docker import` and tagged with every name the catalog serves, as a pre-pulled
 * image is (the agent runs with ECS_IMAGE_PULL_BEHAVIOR=prefer-cached). Images whose runtime lives in the
 * project's own tree (node) are not made yet: their names stay unknown to the engine, and a task naming one
 * stops with the engine's pull error (docs/lab-differences.md, "Real agent").
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { InfrastructureError } from '../../../core/errors.ts';
import { IMAGE_HOME, type ImageId, PYENV_PYTHON_ROOT } from '../../images/catalog.ts';
import { GO_CLIENTS_DIR } from '../../images/go-clients.ts';
import type { ImageRoot, LabImages } from '../../images/image-roots.ts';
import { buildStep } from './build-step.ts';
import type { DockerEngine } from './docker-engine.ts';

/** What every image runs on: the machine's shared libraries, its loader and its /etc (users, resolver). */
export const BASE_HOST_PATHS = ['/etc', '/usr/lib/x86_64-linux-gnu', '/usr/lib64'] as const;
/** The runtime each image's clients are, as the model's tasks reach them on this machine. */
const RUNTIME_HOST_PATHS: Partial<Record<ImageId, readonly string[]>> = {
  // Debian's awscli (CLI v2 2.9) is Python code under /usr/lib/python3; /usr/bin/python3 is the image's.
  amazonlinux: ['/usr/lib/python3', '/usr/lib/python3.11'],
  python: [PYENV_PYTHON_ROOT],
  golang: [GO_CLIENTS_DIR],
};
/** Never in an image: the machine's password hashes and host keys; nor Python's own test suite (200 MB). */
const EXCLUDED = ['etc/shadow*', 'etc/gshadow*', 'etc/ssh/ssh_host_*', 'root/.pyenv/versions/*/lib/python3.*/test'];

export interface TaskImage {
  id: ImageId;
  /** `docker import` input: one layer holding the image's root file system. */
  tarball: string;
  /** Every `repository:tag` the catalog serves for it. */
  names: readonly string[];
  /** `docker import --change` instructions: the image's ENV, WORKDIR and CMD. */
  changes: readonly string[];
}

/** The images a real engine can hold: made once per lab into `dir` (a temporary file renamed in place). */
export async function buildTaskImages(images: LabImages, dir: string): Promise<TaskImage[]> {
  await mkdir(dir, { recursive: true });
  const made: TaskImage[] = [];
  for (const [id, runtime] of Object.entries(RUNTIME_HOST_PATHS) as [ImageId, readonly string[]][]) {
    if (!runtime.every((path) => existsSync(path))) continue;
    const root = images.root(id);
    const tarball = join(dir, `${id}.tar`);
    // The image's package managers name the lab's package store by its absolute path.
    const store = join(images.dir, 'packages');
    const hostPaths = [...BASE_HOST_PATHS, ...runtime, store];
    if (!existsSync(tarball)) await rootFsTarball((stage) => stageImageParts(root, stage), hostPaths, tarball);
    made.push({ id, tarball, names: imageNames(root), changes: importChanges(root) });
  }
  return made;
}

export function imageNames(root: ImageRoot): string[] {
  return root.spec.repositories.flatMap((repository) => root.spec.tags.map((tag) => `${repository}:${tag}`));
}

export function importChanges(root: ImageRoot): string[] {
  const env = Object.entries(root.env).map(([key, value]) => `ENV ${key}=${value}`);
  return [...env, `ENV HOME=${IMAGE_HOME}`, `WORKDIR ${IMAGE_HOME}`, `CMD ${JSON.stringify(root.spec.cmd)}`];
}

/** Imports every image into the engine under all its names. */
export async function importTaskImages(engine: DockerEngine, images: readonly TaskImage[]): Promise<void> {
  for (const image of images) {
    const [first, ...others] = image.names;
    if (!first) continue;
    const changes = image.changes.flatMap((change) => ['--change', change]);
    await engine.docker(['import', ...changes, image.tarball, first], { timeoutMs: 600_000 });
    for (const name of others) await engine.docker(['tag', first, name]);
  }
}

/**
 * A root file system as one tar at `target`: what `stage` puts into a staging folder (for a task image, its
 * /usr/bin, /usr/sbin, /usr/local/bin, /root with the usual top-level links), then the machine's paths,
 * which keep their place (the image's package managers name the lab's package store by its absolute path).
 */
export async function rootFsTarball(
  stage: (folder: string) => Promise<void>,
  hostPaths: readonly string[],
  target: string,
): Promise<void> {
  const work = await mkdtemp(`${target}.make-`);
  try {
    const folder = join(work, 'rootfs');
    await stage(folder);
    const excluded = EXCLUDED.map((pattern) => `--exclude=${pattern}`);
    // Other labs on the machine hard-link the same files into their image roots while this tar reads them: a
    // file whose link count (ctime) changed is still the same file. GNU tar says so with exit 1; 2 is fatal.
    const tar = await execa(
      'tar',
      [
        '--create',
        `--file=${join(work, 'image.tar')}`,
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '--warning=no-file-changed',
        ...excluded,
        `--directory=${folder}`,
        '.',
        '--directory=/',
        ...hostPaths.map((path) => relative('/', path)),
      ],
      { reject: false, all: true, env: { LC_ALL: 'C' } },
    );
    if (tar.exitCode !== 0 && tar.exitCode !== 1) {
      throw new InfrastructureError(
        `image ${target}: tar failed (exit ${tar.exitCode}): ${String(tar.all).slice(-400)}`,
      );
    }
    await rename(join(work, 'image.tar'), target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function stageImageParts(root: ImageRoot, stage: string): Promise<void> {
  await mkdir(join(stage, 'usr', 'local'), { recursive: true });
  const parts: [string, string][] = [
    [join(root.systemDir, 'bin'), 'usr/bin'],
    [join(root.systemDir, 'sbin'), 'usr/sbin'],
    [root.binDir, 'usr/local/bin'],
    [root.homeTemplate, IMAGE_HOME.slice(1)],
  ];
  for (const [source, place] of parts)
    await cp(source, join(stage, place), { recursive: true, verbatimSymlinks: true });
  await stageRootSkeleton(stage);
}

/** What every root file system has: the top-level links of a usr-merged system, /tmp and the mount points. */
export async function stageRootSkeleton(stage: string): Promise<void> {
  await mkdir(join(stage, 'usr'), { recursive: true });
  // usr-merged, as both Amazon Linux 2023 and Debian bookworm images are.
  for (const name of ['bin', 'sbin', 'lib', 'lib64']) await symlink(`usr/${name}`, join(stage, name));
  for (const name of ['tmp', 'var/tmp', 'proc', 'sys', 'dev', 'run'])
    await mkdir(join(stage, name), { recursive: true });
  await buildStep('chmod', ['1777', join(stage, 'tmp'), join(stage, 'var/tmp')]);
}
