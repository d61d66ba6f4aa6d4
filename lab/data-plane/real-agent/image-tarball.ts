/**
 * Images without a registry or a Dockerfile: a one-layer image in `docker save`'s format (what `docker
 * load` reads, what the agent loads its pause image from at /images/amazon-ecs-pause.tar, and what
 * ecs-init loads its agent from at /var/cache/ecs/ecs-agent.tar), made from a folder of files with tar.
 * The layout follows the pause image's in misc/pause-container (manifest.json, repositories, config, one
 * layer.tar with its VERSION).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStep, sha256File } from './build-step.ts';

export interface ImageConfig {
  /** `name:tag`, one or more (the first names the image in `repositories`). */
  repoTags: readonly [string, ...string[]];
  entrypoint?: readonly string[];
  cmd?: readonly string[];
  env?: readonly string[];
  exposedPorts?: readonly string[];
}

/**
 * `tar --create` of `entries` of `directory` at `target`, reproducibly: root-owned, in name order, every file
 * dated at the epoch.
 */
async function reproducibleTar(
  directory: string,
  target: string,
  entries: readonly string[],
  options: readonly string[] = [],
): Promise<void> {
  const fixed = ['--owner=0', '--group=0', ...options, '--sort=name', '--mtime=@0'];
  await buildStep('tar', ['--create', `--file=${target}`, `--directory=${directory}`, ...fixed, ...entries]);
}

/** A reproducible tar of `rootfs` (root-owned, fixed times, no user or group names) at `target`. */
export async function layerTar(rootfs: string, target: string): Promise<void> {
  await reproducibleTar(rootfs, target, ['.'], ['--numeric-owner']);
}

/** Writes `target`, a `docker save` tarball of one image whose only layer is `rootfs`. */
export async function imageTarball(rootfs: string, config: ImageConfig, target: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ecs-taskrole-image-'));
  try {
    const layerDir = join(work, 'layer');
    await mkdir(layerDir);
    await layerTar(rootfs, join(layerDir, 'layer.tar'));
    const diffId = `sha256:${await sha256File(join(layerDir, 'layer.tar'))}`;
    await writeFile(join(layerDir, 'VERSION'), '1.0');
    const imageConfig = JSON.stringify(imageConfigJson(config, diffId));
    await writeFile(join(work, 'config.json'), imageConfig);
    const [name, tag] = splitRepoTag(config.repoTags[0]);
    await writeFile(
      join(work, 'manifest.json'),
      JSON.stringify([{ Config: 'config.json', RepoTags: [...config.repoTags], Layers: ['layer/layer.tar'] }]),
    );
    await writeFile(join(work, 'repositories'), JSON.stringify({ [name]: { [tag]: 'layer' } }));
    await reproducibleTar(work, target, ['config.json', 'layer', 'manifest.json', 'repositories']);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function imageConfigJson(config: ImageConfig, diffId: string) {
  return {
    architecture: 'amd64',
    os: 'linux',
    created: '1970-01-01T00:00:00Z',
    config: {
      ...(config.entrypoint ? { Entrypoint: [...config.entrypoint] } : {}),
      ...(config.cmd ? { Cmd: [...config.cmd] } : {}),
      ...(config.env ? { Env: [...config.env] } : {}),
      ...(config.exposedPorts
        ? { ExposedPorts: Object.fromEntries(config.exposedPorts.map((port) => [port, {}])) }
        : {}),
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: 'ecs-taskrole lab image' }],
  };
}

export function splitRepoTag(repoTag: string): [string, string] {
  const colon = repoTag.lastIndexOf(':');
  if (colon <= repoTag.lastIndexOf('/')) return [repoTag, 'latest'];
  return [repoTag.slice(0, colon), repoTag.slice(colon + 1)];
}
