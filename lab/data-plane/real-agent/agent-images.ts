/**
 * The images a real-agent instance loads, made once per build beside its binaries:
 * - the pause image (`amazon/amazon-ecs-pause:0.1.0`, /pause as its command), which the agent itself loads
 *   from /images/amazon-ecs-pause.tar in its own file system;
 * - the agent image (/agent as entrypoint, the pause tarball, the CA bundle), tagged as ecs-init expects it
 *   (`amazon/amazon-ecs-agent:latest`, loaded from /var/cache/ecs/ecs-agent.tar on ECS-optimized AMIs) and as
 *   the plain AMI's documented `docker run` names it (`public.ecr.aws/ecs/amazon-ecs-agent:v<version>`).
 * Not in it: the CNI plugins upstream ships in the image (/amazon-ecs-cni-plugins): the launcher mounts the
 * lab's stand-ins there (cni-plugins.ts).
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentBuild } from './agent-build.ts';
import { PAUSE_IMAGE } from './agent-versions.ts';
import { imageTarball } from './image-tarball.ts';

const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const ECS_INIT_AGENT_IMAGE = 'amazon/amazon-ecs-agent:latest';

export function plainAmiAgentImage(version: string): string {
  return `public.ecr.aws/ecs/amazon-ecs-agent:v${version}`;
}

export interface AgentImages {
  /** `docker save` tarball of the pause image. */
  pause: string;
  /** `docker save` tarball of the agent image (both names). */
  agent: string;
}

/** The build's image tarballs, made when missing (a temporary file renamed in place: concurrent callers agree). */
export async function agentImages(build: AgentBuild): Promise<AgentImages> {
  const dir = join(build.dir, 'images');
  const images = { pause: join(dir, 'amazon-ecs-pause.tar'), agent: join(dir, 'amazon-ecs-agent.tar') };
  await mkdir(dir, { recursive: true });
  await once(images.pause, dir, async (rootfs, target) => {
    await copyFile(build.pause, join(rootfs, 'pause'));
    await imageTarball(rootfs, { repoTags: [`${PAUSE_IMAGE.name}:${PAUSE_IMAGE.tag}`], cmd: ['/pause'] }, target);
  });
  await once(images.agent, dir, async (rootfs, target) => {
    await copyFile(build.agent, join(rootfs, 'agent'));
    await mkdir(join(rootfs, 'images'));
    await copyFile(images.pause, join(rootfs, 'images', 'amazon-ecs-pause.tar'));
    await mkdir(join(rootfs, 'etc', 'ssl', 'certs'), { recursive: true });
    if (existsSync(CA_BUNDLE)) await copyFile(CA_BUNDLE, join(rootfs, 'etc', 'ssl', 'certs', 'ca-certificates.crt'));
    const tags = [ECS_INIT_AGENT_IMAGE, plainAmiAgentImage(build.manifest.version)] as const;
    await imageTarball(
      rootfs,
      { repoTags: tags, entrypoint: ['/agent'], exposedPorts: ['51678/tcp', '51679/tcp'] },
      target,
    );
  });
  return images;
}

async function once(target: string, dir: string, make: (rootfs: string, partial: string) => Promise<void>) {
  if (existsSync(target)) return;
  const work = await mkdtemp(join(dir, '.make-'));
  try {
    const rootfs = join(work, 'rootfs');
    await mkdir(rootfs);
    await make(rootfs, join(work, 'image.tar'));
    await rename(join(work, 'image.tar'), target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
