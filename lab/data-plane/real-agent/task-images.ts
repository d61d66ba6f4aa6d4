/**
 * The lab's task images as Docker images, for a real engine (`--lab-agent real`). The model's image roots
 * (lab/images/) are overlays over this machine's files: a task sees this machine's root with the image's
 * /usr/bin, /usr/sbin, /usr/local/bin and /root laid over it. A real engine needs a root file system, so
 * each image is made once per lab as one layer: the image's own parts at their places, plus the machine's
 * files they run on (its libraries, /etc, and the runtime the image's clients are). Imported into each
 * instance's engine with `docker import` and tagged with every name the catalog serves, as a pre-pulled
 * image is (the agent runs with ECS_IMAGE_PULL_BEHAVIOR=prefer-cached).
 */
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readlink, rename, rm, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { InfrastructureError } from '../../../core/errors.ts';
import { IMAGE_HOME, IMAGES, type ImageId, PYENV_PYTHON_ROOT } from '../../images/catalog.ts';
import { GO_CLIENTS_DIR } from '../../images/go-clients.ts';
import type { ImageRoot, LabImages } from '../../images/image-roots.ts';
import { nodeImageHostPaths } from '../../images/node-image-files.ts';
import { buildStep } from './build-step.ts';
import { DOCKER_CLI, type DockerEngine, ensureEnginePackage } from './docker-engine.ts';

/** What every image runs on: the machine's shared libraries, its loader and its /etc (users, resolver). */
export const BASE_HOST_PATHS = ['/etc', '/usr/lib/x86_64-linux-gnu', '/usr/lib64'] as const;

/** The runtime each image's clients are, as the model's tasks reach them on this machine. */
function runtimeHostPaths(root: ImageRoot): Promise<readonly string[]> | readonly string[] {
  switch (root.spec.id) {
    // Debian's awscli (CLI v2 2.9) is Python code under /usr/lib/python3; /usr/bin/python3 is the image's.
    case 'amazonlinux':
      return ['/usr/lib/python3', '/usr/lib/python3.11'];
    case 'python':
      return [PYENV_PYTHON_ROOT];
    case 'golang':
      return [GO_CLIENTS_DIR];
    // Node and the packages its npm serves, from the project's tree (node-image-files.ts).
    case 'node':
      return readlink(join(root.binDir, 'node')).then(nodeImageHostPaths);
    // Its CLI is a file of its own (REAL_ENGINE_FILES); sh and base64 are in its /usr/bin.
    case 'docker':
      return [];
  }
}

/**
 * An image's files that differ under a real engine, by their place in the image. docker:27.5.1-cli keeps its
 * CLI at /usr/local/bin/docker. The model's is the lab's client of the lab agent's socket (`POST /lab/run`,
 * lab/images/docker-cli.ts); a real engine's socket is a real dockerd, so the image has the real CLI:
 * Debian's docker.io, the engine's own (20.10, API 1.41).
 */
const REAL_ENGINE_FILES: Partial<Record<ImageId, Readonly<Record<string, string>>>> = {
  docker: { 'usr/local/bin/docker': DOCKER_CLI },
};

/**
 * Never in an image: the machine's password hashes, host keys, TLS private keys, its Docker daemon's
 * identity key and configuration, and the places machines keep credentials and proxy passwords (apt's
 * auth.conf, /etc/environment, NetworkManager's connections, Kerberos' keytab); nor Python's own test suite
 * (200 MB). A denylist: a list of what images need from /etc would be stricter (docs/lab-differences.md).
 */
const EXCLUDED = [
  'etc/shadow*',
  'etc/gshadow*',
  'etc/ssh/ssh_host_*',
  'etc/ssl/private',
  'etc/pki/tls/private',
  'etc/docker/key.json',
  'etc/docker/daemon.json',
  'etc/apt/auth.conf',
  'etc/apt/auth.conf.d',
  'etc/environment',
  'etc/NetworkManager/system-connections',
  'etc/krb5.keytab',
  'etc/sudoers*',
  'root/.pyenv/versions/*/lib/python3.*/test',
];
/** Left out of one image: files its programs never load (TypeScript declarations are for editors). */
const EXCLUDED_FROM: Partial<Record<ImageId, readonly string[]>> = { node: ['*.d.ts', 'dist-types'] };

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
  // The docker image's CLI is the engine package's.
  await ensureEnginePackage();
  const made: TaskImage[] = [];
  for (const { id } of IMAGES) {
    const root = images.root(id);
    const files = REAL_ENGINE_FILES[id] ?? {};
    const runtime = await runtimeHostPaths(root);
    if (![...runtime, ...Object.values(files)].every((path) => existsSync(path))) continue;
    const tarball = join(dir, `${id}.tar`);
    // The image's package managers name the lab's package store by its absolute path.
    const store = join(images.dir, 'packages');
    const layout = { hostPaths: [...BASE_HOST_PATHS, ...runtime, store], excluded: EXCLUDED_FROM[id] ?? [] };
    if (!existsSync(tarball)) await rootFsTarball((stage) => stageTaskImage(root, files, stage), layout, tarball);
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

export interface ImageLayout {
  /** The machine's files and folders the image holds at their places. */
  hostPaths: readonly string[];
  /** Patterns left out of this image beside those no image holds (EXCLUDED). */
  excluded?: readonly string[];
}

/**
 * A task image's parts, then its own files that are the machine's files under another name, by their place
 * in the image (REAL_ENGINE_FILES).
 */
async function stageTaskImage(root: ImageRoot, files: Readonly<Record<string, string>>, stage: string): Promise<void> {
  await stageImageParts(root, stage);
  for (const [place, source] of Object.entries(files)) {
    await rm(join(stage, place), { force: true });
    await copyFile(source, join(stage, place));
  }
}

/**
 * A root file system as one tar at `target`: what `stage` puts into a staging folder (for a task image, its
 * /usr/bin, /usr/sbin, /usr/local/bin, /root with the usual top-level links), then the machine's paths,
 * which keep their place (the image's package managers name the lab's package store by its absolute path).
 */
export async function rootFsTarball(
  stage: (folder: string) => Promise<void>,
  layout: ImageLayout,
  target: string,
): Promise<void> {
  const work = await mkdtemp(`${target}.make-`);
  try {
    const folder = join(work, 'rootfs');
    await stage(folder);
    const excluded = [...EXCLUDED, ...(layout.excluded ?? [])].map((pattern) => `--exclude=${pattern}`);
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
        ...layout.hostPaths.map((path) => relative('/', path)),
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
