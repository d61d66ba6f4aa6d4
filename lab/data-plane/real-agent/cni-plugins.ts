/**
 * The CNI plugins folder the real agent's container gets at /amazon-ecs-cni-plugins (its default
 * `ECS_CNI_PLUGINS_PATH`, agent/config/config.go): the lab's stand-in (fixtures/lab-cni-plugin/main.go),
 * built once per source with the machine's Go (static, standard library only, offline) and installed under
 * the names the agent runs (agent/ecscni/types.go, types_linux.go; agent/app/agent_unix.go awsVPCCNIPlugins).
 * Not vpc-branch-eni: ENI trunking is not part of the lab, and an agent started with it asks for that plugin
 * and exits without it, as an instance without the plugin would.
 * Cached beside the agent builds (`cni-plugins-<source hash>`), under the same kind of lock.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { GO_1_23 } from '../../../infra/system/system-packages.ts';
import { agentCacheDir } from './agent-build.ts';
import { buildStep } from './build-step.ts';

export const CNI_PLUGIN_NAMES = ['vpc-eni', 'ecs-bridge', 'ecs-ipam', 'aws-appmesh'] as const;
/** Where the agent looks for its plugins in its container (agent/config/config.go defaultCNIPluginsPath). */
export const AGENT_CNI_PLUGINS_PATH = '/amazon-ecs-cni-plugins';
/** Where the plugins find the data plane's socket in the agent's container (main.go `socketPath`). */
export const AGENT_CNI_SOCKET_DIR = '/var/run/ecs-taskrole-lab-cni';
export const CNI_SOCKET_NAME = 'plugin.sock';

const SOURCE = new URL('../../../fixtures/lab-cni-plugin/main.go', import.meta.url);

/** The folder of built plugins (one file per name), made when the cache lacks this source's build. */
export async function labCniPlugins(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const source = await readFile(SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const root = agentCacheDir(env);
  const dir = join(root, `cni-plugins-${hash}`);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const release = await lockfile.lock(root, {
    lockfilePath: `${dir}.lock`,
    retries: { retries: 600, minTimeout: 1000, maxTimeout: 1000 },
    stale: 60_000,
  });
  try {
    if (CNI_PLUGIN_NAMES.every((name) => existsSync(join(dir, name)))) return dir;
    await compilePlugins(root, dir, hash);
    return dir;
  } finally {
    await release();
  }
}

async function compilePlugins(root: string, dir: string, hash: string): Promise<void> {
  const work = `${dir}.work`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const binary = join(work, 'lab-cni-plugin');
    await buildStep(
      GO_1_23,
      ['build', '-trimpath', '-ldflags', `-s -X main.sourceHash=${hash.slice(0, 7)}`, '-o', binary, 'main.go'],
      {
        cwd: fileURLToPath(new URL('.', SOURCE)),
        env: {
          GOTOOLCHAIN: 'local',
          GOPROXY: 'off',
          GOCACHE: join(root, 'go-build'),
          GOPATH: join(root, 'gopath'),
          CGO_ENABLED: '0',
        },
      },
    );
    for (const name of CNI_PLUGIN_NAMES) await copyFile(binary, join(work, name));
    await rm(binary);
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
