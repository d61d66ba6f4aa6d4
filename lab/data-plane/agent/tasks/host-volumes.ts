/**
 * A container's host volumes (`volumes[].host.sourcePath` + `mountPoints`), as Docker binds them. The lab
 * simulates one host path, the instance's Docker socket (/var/run/docker.sock, which CI runners mount to
 * start sibling containers); any other is refused loudly, so a task never sees this machine's files. Mount
 * points under /run (/var/run links there) land in the container's own /run (sandbox.ts `privateRun`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ContainerDefinition, Volume } from '@aws-sdk/client-ecs';
import { TaskStartFailure } from './task-start.ts';

export const HOST_DOCKER_SOCKET = '/var/run/docker.sock';

/** sockaddr_un holds 108 bytes. */
const MAX_SOCKET_PATH = 107;

/** Where the instance's Docker socket lives on this machine: in the instance's own files. */
export function instanceDockerSocket(rootDir: string): string {
  const path = join(rootDir, 'var/docker.sock');
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) throw new Error(`lab: path too long for a unix socket: ${path}`);
  return path;
}

export interface HostVolumeMounts {
  binds: Array<{ source: string; target: string }>;
  privateRun?: string;
}

/** /var/run is /run on every AMI the lab plays (and on Docker's images): one name for both. */
function underRun(path: string): string | undefined {
  const normal = posix.normalize(path).replace(/^\/var\/run(?=\/|$)/, '/run');
  return normal.startsWith('/run/') ? normal.slice('/run/'.length) : undefined;
}

/**
 * The binds for one container. `dockerSocket` is the instance's Docker socket on this machine (unset: the
 * instance has none). `containerDir` is the container's scratch folder, where its /run is made.
 */
export async function hostVolumeMounts(
  volumes: readonly Volume[],
  container: ContainerDefinition,
  options: { dockerSocket: string | undefined; containerDir: string },
): Promise<HostVolumeMounts> {
  const mounts: HostVolumeMounts = { binds: [] };
  for (const mountPoint of container.mountPoints ?? []) {
    const volume = volumes.find((candidate) => candidate.name === mountPoint.sourceVolume);
    const sourcePath = volume?.host?.sourcePath;
    if (!sourcePath) continue;
    if (posix.normalize(sourcePath) !== HOST_DOCKER_SOCKET || !options.dockerSocket) {
      throw new TaskStartFailure(
        `lab: host volume ${sourcePath} is not simulated (only the instance's ${HOST_DOCKER_SOCKET})`,
      );
    }
    const inRun = underRun(mountPoint.containerPath ?? '');
    if (inRun === undefined || inRun.includes('/') || inRun === '' || inRun === '..') {
      throw new TaskStartFailure(
        `lab: the Docker socket mounts only directly under /var/run or /run, not at ${mountPoint.containerPath}`,
      );
    }
    mounts.privateRun ??= join(options.containerDir, 'run');
    await mkdir(mounts.privateRun, { recursive: true });
    // A bind needs its mount point: an empty file in the container's own /run.
    const target = join(mounts.privateRun, inRun);
    await writeFile(target, '');
    mounts.binds.push({ source: options.dockerSocket, target });
  }
  return mounts;
}
