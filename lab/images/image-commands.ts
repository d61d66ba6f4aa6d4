/**
 * Which commands each lab image has in /usr/bin and /usr/sbin (both Debian 12 and AL2023 are merged-/usr:
 * /bin and /sbin link there), so a task sees its image's commands and not this machine's. Each image's
 * list comes from its package set; the programs themselves are this machine's builds of the same packages.
 *
 * - python:3.11-slim and node:22-slim are Debian `bookworm-slim`: debootstrap's minbase variant, i.e. the
 *   packages of Priority `required` plus apt (debuerreotype, the Docker official images' builder). Their
 *   commands are read from this machine's dpkg database for exactly those packages (this machine is Debian
 *   12). Python and Node themselves live in /usr/local/bin (catalog.ts).
 * - amazonlinux:2023 is its base container image's package set (AL2023 user guide, "Comparing packages
 *   installed on Amazon Linux 2023 container images"): bash (its /bin/sh is bash; the lab's is dash),
 *   coreutils-single, grep, sed, gawk (awk), curl-minimal, python3 (dnf's runtime), dnf; findutils, gzip and tar
 *   are an inference from that list. No binutils: no `strings`.
 * - golang:1.19.13-bookworm is buildpack-deps:bookworm-scm plus gcc, g++, libc6-dev, make and pkg-config
 *   (docker-library/golang's Dockerfile): here minbase plus binutils (gcc's dependency, so `strings` is there);
 *   the rest of buildpack-deps (curl, git, wget, gcc itself) is left out: no harness command uses them.
 * - docker:27.5.1-cli is Alpine (busybox sh, base64); here Debian's minbase stands in for busybox's applets
 *   (the harness's command uses sh and base64 only), and its docker CLI is the lab's (catalog.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ImageId } from './catalog.ts';

/** A command of the image: its name in the task, and the file on this machine that provides it. */
export interface ImageCommand {
  dir: 'bin' | 'sbin';
  name: string;
  source: string;
}

const DPKG_STATUS = '/var/lib/dpkg/status';
const DPKG_INFO = '/var/lib/dpkg/info';

/**
 * Never copied into a task even where the real image has them: this machine's package tools would act on
 * this machine's package database. The images' package managers are the lab's (image-packages.ts).
 */
const MACHINE_PACKAGE_TOOLS = /^(apt|apt-get|apt-cache|apt-cdrom|apt-config|apt-key|apt-mark|dpkg.*|debconf.*)$/;

/** Packages of Priority `required` in this machine's dpkg database, plus apt: Debian's minbase. */
function debianMinbasePackages(): string[] {
  const packages = new Set(['apt']);
  let current = '';
  for (const line of readFileSync(DPKG_STATUS, 'utf8').split('\n')) {
    if (line.startsWith('Package: ')) current = line.slice('Package: '.length).trim();
    else if (line.trim() === 'Priority: required' && current) packages.add(current);
  }
  return [...packages].sort();
}

function dpkgFiles(pkg: string): string[] {
  for (const name of [`${pkg}.list`, `${pkg}:amd64.list`, `${pkg}:arm64.list`]) {
    const path = `${DPKG_INFO}/${name}`;
    if (existsSync(path)) return readFileSync(path, 'utf8').split('\n');
  }
  return [];
}

const BIN_DIR = /^\/(usr\/)?(bin|sbin)\/[^/]+$/;

function fromDebianPackages(packages: readonly string[]): ImageCommand[] {
  const commands = new Map<string, ImageCommand>();
  for (const pkg of packages) {
    for (const file of dpkgFiles(pkg)) {
      const match = BIN_DIR.exec(file);
      if (!match || !existsSync(file)) continue;
      const name = basename(file);
      if (MACHINE_PACKAGE_TOOLS.test(name)) continue;
      const dir = match[2] === 'sbin' ? 'sbin' : 'bin';
      commands.set(`${dir}/${name}`, { dir, name, source: file });
    }
  }
  return [...commands.values()];
}

/** coreutils-single provides the coreutils programs: the names of this machine's coreutils package. */
function coreutilsNames(): string[] {
  return fromDebianPackages(['coreutils']).map((command) => command.name);
}

function amazonLinux2023(): ImageCommand[] {
  const bin = (name: string, source = `/usr/bin/${name}`): ImageCommand => ({ dir: 'bin', name, source });
  const commands = [
    bin('bash'),
    // On Amazon Linux sh is bash; the lab keeps dash there (docs/lab-differences.md: with bash as sh the
    // seed's `export $(strings …)` set nothing in a lab task, not yet explained).
    bin('sh', '/usr/bin/dash'),
    ...coreutilsNames().map((name) => bin(name)),
    ...['grep', 'egrep', 'fgrep', 'sed', 'curl', 'find', 'xargs', 'gzip', 'gunzip', 'zcat', 'tar'].map((name) =>
      bin(name),
    ),
    // gawk's awk; this machine's awk (mawk) stands in for it.
    bin('awk', '/usr/bin/awk'),
    bin('python3'),
    // No aws: the base container image has no AWS CLI until `awscli-2` is installed (image-packages.ts).
  ];
  return commands.filter((command) => existsSync(command.source));
}

/** The commands of one image (computed from this machine's files; call once per image build). */
export function imageCommands(id: ImageId): ImageCommand[] {
  if (id === 'amazonlinux') return amazonLinux2023();
  if (id === 'golang') return fromDebianPackages([...debianMinbasePackages(), 'binutils']);
  return fromDebianPackages(debianMinbasePackages());
}
