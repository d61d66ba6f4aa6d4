/**
 * Turns an agent version into cached binaries: the agent (agent/, CGO off), ecs-init (ecs-init/, cgo for
 * its vendored go-nvml) and the pause container (misc/pause-container/pause.c, static), built offline from
 * the release's vendored modules with Go 1.23 (GOTOOLCHAIN=local, GOFLAGS=-mod=vendor, GOPROXY=off).
 * One build per version and commit (and source tarball, by hash) in the user's cache: a second call only
 * reads its manifest. Concurrent callers wait on one lock. No value reaches a shell: every command is argv.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { InfrastructureError } from '../../../core/errors.ts';
import { AGENT_BUILD_PACKAGES, ensureSystemPackages, GO_1_23 } from '../../../infra/system/system-packages.ts';
import { type AgentSource, agentSource } from './agent-source.ts';
import { type AgentVersion, PAUSE_IMAGE } from './agent-versions.ts';
import { buildStep, sha256File } from './build-step.ts';
import { writeEc2StandIns } from './ec2-standin.ts';

const AGENT_CONFIG_PACKAGE = 'github.com/aws/amazon-ecs-agent/agent/config';

const buildManifestSchema = z.object({
  version: z.string(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  sourceSha256: z.string().regex(/^[0-9a-f]{64}$/),
  origin: z.enum(['local', 'github']),
  goVersion: z.string(),
  standIns: z.array(z.string()),
  seconds: z.number(),
  builtAt: z.string(),
});
export type BuildManifest = z.infer<typeof buildManifestSchema>;

export interface AgentBuild {
  dir: string;
  agent: string;
  ecsInit: string;
  pause: string;
  manifest: BuildManifest;
  /** True when this call found the build in the cache (nothing was compiled). */
  cached: boolean;
}

export interface BuildOptions {
  env?: NodeJS.ProcessEnv;
  /** Root of the cache; default `$XDG_CACHE_HOME/ecs-taskrole/ecs-agent` (else `~/.cache/…`). */
  cacheDir?: string;
  log?: (line: string) => void;
}

export function agentCacheDir(env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'ecs-taskrole', 'ecs-agent');
}

/** The cached build of `version`, made first when the cache lacks it (or holds another tarball's). */
export async function buildAgent(version: AgentVersion, options: BuildOptions = {}): Promise<AgentBuild> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const root = options.cacheDir ?? agentCacheDir(env);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const source = await agentSource(version, env, join(root, 'downloads'));
  const sourceSha256 = await sha256File(source.tarball);
  const dir = join(root, `${version}-${source.commit.slice(0, 12)}`);
  const release = await lockfile.lock(root, {
    lockfilePath: `${dir}.lock`,
    retries: { retries: 600, minTimeout: 1000, maxTimeout: 1000 },
    stale: 60_000,
  });
  try {
    const found = await readManifest(dir);
    if (found && found.sourceSha256 === sourceSha256) return outputs(dir, found, true);
    await ensureSystemPackages(AGENT_BUILD_PACKAGES, log);
    const manifest = await compile(source, sourceSha256, dir, root, log);
    return outputs(dir, manifest, false);
  } finally {
    await release();
  }
}

function outputs(dir: string, manifest: BuildManifest, cached: boolean): AgentBuild {
  return {
    dir,
    agent: join(dir, 'agent'),
    ecsInit: join(dir, 'ecs-init'),
    pause: join(dir, 'pause'),
    manifest,
    cached,
  };
}

async function readManifest(dir: string): Promise<BuildManifest | undefined> {
  const file = join(dir, 'build.json');
  if (!existsSync(file)) return undefined;
  const parsed = buildManifestSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  const complete = ['agent', 'ecs-init', 'pause'].every((name) => existsSync(join(dir, name)));
  return parsed.success && complete ? parsed.data : undefined;
}

/** Unpacks into a work folder beside the cache entry, builds the three binaries, then renames it in place. */
async function compile(
  source: AgentSource,
  sourceSha256: string,
  dir: string,
  root: string,
  log: (line: string) => void,
): Promise<BuildManifest> {
  // One fixed folder per version (the lock is held): with -trimpath, an interrupted build's compiled
  // packages stay valid in GOCACHE and the next attempt resumes.
  const work = join(root, `.work-${source.version}`);
  const out = join(work, 'out');
  const src = join(work, 'src');
  const started = Date.now();
  await rm(work, { recursive: true, force: true });
  await mkdir(src, { recursive: true });
  await mkdir(out);
  try {
    log(`ecs agent ${source.version}: unpacking ${source.origin} source (commit ${source.commit.slice(0, 12)})`);
    await buildStep('tar', ['-xzf', source.tarball, '-C', src, '--strip-components=1']);
    const standIns = await writeEc2StandIns(src, ['agent', 'ecs-agent']);
    for (const file of standIns) log(`ecs agent ${source.version}: generated the EC2 deserializers stand-in ${file}`);
    const goEnv = goEnvironment(root);
    await buildBinaries(source.version, src, out, goEnv, log);
    const goVersion = (await buildStep(GO_1_23, ['env', 'GOVERSION'], { env: goEnv })).trim();
    const manifest: BuildManifest = {
      version: source.version,
      commit: source.commit,
      sourceSha256,
      origin: source.origin,
      goVersion,
      standIns,
      seconds: Math.round((Date.now() - started) / 1000),
      builtAt: new Date().toISOString(),
    };
    await writeFile(join(out, 'build.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(out, dir);
    log(`ecs agent ${source.version}: built in ${manifest.seconds} s`);
    return manifest;
  } catch (error) {
    throw error instanceof InfrastructureError
      ? error
      : new InfrastructureError(`ecs agent ${source.version}: build failed: ${String(error)}`, { cause: error });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Offline, from the vendored modules, with the build cache shared by every version under `root`. */
function goEnvironment(root: string): Record<string, string> {
  return {
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=vendor',
    GOPROXY: 'off',
    GOCACHE: join(root, 'go-build'),
    GOPATH: join(root, 'gopath'),
  };
}

/** The agent (with the lab's pause image built in), ecs-init and the pause binary, into `out`. */
async function buildBinaries(
  version: string,
  src: string,
  out: string,
  goEnv: Record<string, string>,
  log: (line: string) => void,
): Promise<void> {
  const pauseFlags = `-X ${AGENT_CONFIG_PACKAGE}.DefaultPauseContainerImageName=${PAUSE_IMAGE.name} -X ${AGENT_CONFIG_PACKAGE}.DefaultPauseContainerTag=${PAUSE_IMAGE.tag}`;
  log(`ecs agent ${version}: building the agent (minutes)`);
  await buildStep(GO_1_23, ['build', '-trimpath', '-ldflags', `${pauseFlags} -s`, '-o', join(out, 'agent'), '.'], {
    cwd: join(src, 'agent'),
    env: { ...goEnv, CGO_ENABLED: '0' },
  });
  log(`ecs agent ${version}: building ecs-init`);
  await buildStep(GO_1_23, ['build', '-trimpath', '-o', join(out, 'ecs-init'), '.'], {
    cwd: join(src, 'ecs-init'),
    env: { ...goEnv, CGO_ENABLED: '1' },
  });
  const pauseSource = join(src, 'misc', 'pause-container', 'pause.c');
  await buildStep('gcc', ['-Os', '-Wall', '-Werror', '-static', pauseSource, '-o', join(out, 'pause')]);
}
