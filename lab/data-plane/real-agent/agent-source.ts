/**
 * Where an agent release's source comes from: a folder of `amazon-ecs-agent-v<version>.tar.gz` named by
 * ECS_TASKROLE_AGENT_SOURCES (machines without network, CI), whose SHA-256 must be the snapshot's that
 * AGENT_RELEASES pins, else the tag's tarball from GitHub, whose commit (git's pax header,
 * `git get-tar-commit-id`) must be the one AGENT_RELEASES pins.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { execa } from 'execa';
import { InfrastructureError } from '../../../core/errors.ts';
import { AGENT_RELEASES, type AgentVersion } from './agent-versions.ts';
import { sha256File } from './build-step.ts';

export const AGENT_SOURCES_VARIABLE = 'ECS_TASKROLE_AGENT_SOURCES';

export interface AgentSource {
  version: AgentVersion;
  commit: string;
  tarball: string;
  /** `local`: the folder the variable names (its SHA-256 checked); `github`: its commit checked. */
  origin: 'local' | 'github';
}

export function localTarballName(version: AgentVersion): string {
  return `amazon-ecs-agent-v${version}.tar.gz`;
}

export function githubTarballUrl(version: AgentVersion): string {
  return `https://github.com/aws/amazon-ecs-agent/archive/refs/tags/v${version}.tar.gz`;
}

/** The local tarball when the variable is set (it must then hold it), else a checked download into `downloads`. */
export async function agentSource(
  version: AgentVersion,
  env: NodeJS.ProcessEnv,
  downloads: string,
): Promise<AgentSource> {
  const commit = AGENT_RELEASES[version].commit;
  const folder = env[AGENT_SOURCES_VARIABLE];
  if (folder) {
    if (!isAbsolute(folder)) {
      throw new InfrastructureError(`${AGENT_SOURCES_VARIABLE}="${folder}" must be an absolute folder path`);
    }
    const tarball = join(folder, localTarballName(version));
    if (!existsSync(tarball)) {
      throw new InfrastructureError(
        `${AGENT_SOURCES_VARIABLE} names ${folder}, which has no ${localTarballName(version)} (agent ${version} source)`,
      );
    }
    const found = await sha256File(tarball);
    const pinned = AGENT_RELEASES[version].snapshotSha256;
    if (found !== pinned) {
      throw new InfrastructureError(
        `${tarball} has SHA-256 ${found}, not ${pinned}, the snapshot of agent ${version} (commit ${commit.slice(0, 12)}) ` +
          `the lab builds from; nothing was built. Put that snapshot there, or unset ${AGENT_SOURCES_VARIABLE} to fetch the tag from GitHub`,
      );
    }
    return { version, commit, tarball, origin: 'local' };
  }
  const tarball = join(downloads, `amazon-ecs-agent-${commit}.tar.gz`);
  if (!existsSync(tarball)) await download(githubTarballUrl(version), tarball);
  const found = await tarballCommit(tarball);
  if (found !== commit) {
    await rm(tarball, { force: true });
    throw new InfrastructureError(
      `${githubTarballUrl(version)} is commit ${found || '(none recorded)'}, not ${commit} as v${version} is pinned; nothing was built`,
    );
  }
  return { version, commit, tarball, origin: 'github' };
}

async function download(url: string, target: string): Promise<void> {
  await mkdir(join(target, '..'), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  try {
    const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(10 * 60_000) });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      createWriteStream(partial),
    );
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    const detail = error instanceof Error ? error.message : String(error);
    throw new InfrastructureError(
      `could not download the ECS agent source ${url} (${detail}); without network, set ${AGENT_SOURCES_VARIABLE} to a folder holding amazon-ecs-agent-v<version>.tar.gz`,
    );
  }
}

/** The commit git archive recorded in the tarball's pax global header; empty when there is none. */
export async function tarballCommit(tarball: string): Promise<string> {
  const child = execa('git', ['get-tar-commit-id'], { reject: false, stdin: 'pipe' });
  // get-tar-commit-id reads only the first block and exits, closing its stdin early: that is not an error.
  pipeline(createReadStream(tarball), createGunzip(), child.stdin as NodeJS.WritableStream).catch(() => undefined);
  const result = await child;
  return result.exitCode === 0 ? String(result.stdout).trim() : '';
}
