/**
 * The golang image's clients: the Go programs the harness's task definitions carry
 * (fixtures/go-client/<client>/main.go), built once per machine with Debian's Go and Debian's packages of the
 * SDKs (golang-github-aws-aws-sdk-go-dev 1.44.133, golang-github-aws-aws-sdk-go-v2-dev 1.17.1: GOPATH
 * mode over /usr/share/gocode, the way Debian builds them) and kept under the sha256 of their source. In a
 * task, the image's `go build` serves the build of the main.go it is given (go-shim.ts); the real SDK code
 * then runs, proxy handling included.
 */

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import lockfile from 'proper-lockfile';
import { InfrastructureError } from '../../core/errors.ts';
import { buildEnvironment } from '../../infra/system/build-environment.ts';
import { outputTail } from '../../infra/system/output-tail.ts';
import { assertPrivateDir } from '../../infra/system/private-dir.ts';
import { ensureSystemPackages, GO_CLIENT_PACKAGES } from '../../infra/system/system-packages.ts';
import { type GoClientId, goClientSource } from '../../infra/task-definition/go-client.ts';

/** A fixed path (the go shim reads it inside a task, whose HOME is the image's); root's, as the lab runs. */
export const GO_CLIENTS_DIR = '/var/cache/ecs-taskrole/go-clients';

/** Debian's Go (package golang-go) and where Debian's Go library packages put their sources. */
export const DEBIAN_GO = '/usr/lib/go/bin/go';
const DEBIAN_GOPATH = '/usr/share/gocode';

const GO_CLIENTS: readonly GoClientId[] = ['sdk-go-v1', 'sdk-go-v2'];

export function sourceDigest(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

/** `<dir>/<sha256 of main.go>/client`: where the build of one source is kept. */
export function goClientBuild(source: string, dir = GO_CLIENTS_DIR): string {
  return join(dir, sourceDigest(source), 'client');
}

/** Builds each program whose source has no build yet (minutes the first time; a lock keeps it to one). */
/**
 * Debian's Go and SDK packages, then the builds: only for a plan with an sdk-go-* cell (the packages are
 * hundreds of MB and the first builds take minutes), so the default matrix never pays for them.
 */
export async function prepareGoClients(log: (line: string) => void, dir = GO_CLIENTS_DIR): Promise<void> {
  await ensureSystemPackages(GO_CLIENT_PACKAGES, log);
  await ensureGoClients(log, dir);
}

export async function ensureGoClients(log: (line: string) => void, dir = GO_CLIENTS_DIR): Promise<void> {
  await ensureClientsDir(dir);
  const missing = GO_CLIENTS.filter((client) => !existsSync(goClientBuild(goClientSource(client), dir)));
  if (missing.length === 0) return;
  const release = await lockfile.lock(dir, { retries: { retries: 600, minTimeout: 1_000, maxTimeout: 1_000 } });
  try {
    for (const client of missing) await buildGoClient(client, dir, log);
  } finally {
    await release();
  }
}

/**
 * Tasks run what is built here (the image's go copies it): the folder (and the lab's own parent of the
 * default one) must be root's, 0700, never group- or world-writable, or the lab refuses to use it
 * (infra/system/private-dir.ts) rather than serve a binary someone else could have replaced.
 */
async function ensureClientsDir(dir: string): Promise<void> {
  if (dir === GO_CLIENTS_DIR) {
    await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
    await assertPrivateDir(dirname(dir), { create: false });
  }
  await assertPrivateDir(dir, { create: true });
}

/**
 * GOPATH mode over Debian's packages, offline; static (the task's /usr/lib is the machine's, but nothing to
 * link). Nothing of the caller's environment: its AWS keys and proxies have no business in a build.
 */
export function goClientBuildEnvironment(dir: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return buildEnvironment(
    {
      GO111MODULE: 'off',
      GOPATH: DEBIAN_GOPATH,
      GOCACHE: join(dir, 'cache'),
      CGO_ENABLED: '0',
      GOFLAGS: '',
      GOPROXY: 'off',
    },
    from,
  );
}

async function buildGoClient(client: GoClientId, dir: string, log: (line: string) => void): Promise<void> {
  const source = goClientSource(client);
  const target = goClientBuild(source, dir);
  if (existsSync(target)) return; // another process built it while this one waited for the lock
  const work = join(dir, `${sourceDigest(source)}.build`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await writeFile(join(work, 'main.go'), source);
  log(`building the golang image's ${client} client with Debian's Go (once per machine, minutes)`);
  const result = await execa(DEBIAN_GO, ['build', '-trimpath', '-o', join(work, 'client'), '.'], {
    cwd: work,
    reject: false,
    all: true,
    env: goClientBuildEnvironment(dir),
    extendEnv: false,
  });
  if (result.exitCode !== 0) {
    const tail = outputTail(String(result.all ?? result.message));
    throw new InfrastructureError(
      `the lab's golang image could not build its ${client} client (${tail}); it needs Debian's golang-go, ` +
        'golang-github-aws-aws-sdk-go-dev and golang-github-aws-aws-sdk-go-v2-dev (apt-get install -y them)',
    );
  }
  await mkdir(join(dir, sourceDigest(source)), { recursive: true });
  await rename(join(work, 'client'), target);
  await rm(work, { recursive: true, force: true });
}

/**
 * The golang image's `go`: `go build -o FILE` (the install step of docs/task-images.md) copies the lab's
 * build of the main.go in the working directory to FILE; a source the lab has not built fails as a build
 * would, so a task definition whose program differs from the fixture's never runs a stale client.
 */
export function goShim(dir = GO_CLIENTS_DIR): string {
  return `#!/bin/sh
# Lab image go: serves the lab's build (Debian's Go and SDK packages) of ./main.go; see lab/images/go-clients.ts.
[ "$1" = version ] && { echo "go version go1.19.8 linux/amd64"; exit 0; }
[ "$1" = build ] || { echo "lab image: 'go $1' is not served; only 'go build -o FILE .'" >&2; exit 2; }
out=""; prev=""
for arg in "$@"; do [ "$prev" = "-o" ] && out=$arg; prev=$arg; done
[ -n "$out" ] || { echo "lab image: 'go build' needs -o FILE" >&2; exit 2; }
[ -f main.go ] || { echo "no Go files in $(pwd)" >&2; exit 1; }
sum=$(sha256sum main.go | cut -d' ' -f1)
build="${dir}/$sum/client"
[ -x "$build" ] || { echo "lab image: no lab build of this main.go ($sum): the lab builds only fixtures/go-client" >&2; exit 1; }
cp "$build" "$out" && chmod 755 "$out" && echo "lab image: go build → the lab's build of main.go ($sum)" >&2
`;
}
