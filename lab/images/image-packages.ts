/**
 * Package managers inside the lab's images: `dnf`/`yum` (amazonlinux) and `apt-get`/`apt` (the Debian-based
 * python and node images) install from a small catalog into the task's own /usr/bin, with the same package
 * names as on AWS, so an install the harness's command performs there happens here too; a name outside the
 * catalog fails as the real tool fails. The clients themselves are preinstalled (README.md): installing them
 * is a no-op that says so. Sources: dnf 4 and apt 2.6 messages for a missing package.
 */

import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageId } from './catalog.ts';

/** Packages whose commands the lab can install into a task: name → commands (this machine's builds). */
const IMAGE_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  binutils: ['strings', 'readelf', 'objdump', 'nm', 'size', 'addr2line'],
};

/**
 * Client packages already in the lab's image: their install succeeds without changes. Only names the real
 * repository resolves: `awscli-2` is AL2023's AWS CLI v2 package (AL2023 User Guide, "AWS CLI v2";
 * amazonlinux/amazon-linux-2023#272, #625). Whether `aws-cli` or `awscli` resolve on AL2023 (through a
 * provide or an obsolete) is not established, so here they fail as any unknown name does
 * (docs/lab-differences.md).
 */
const PREINSTALLED = ['awscli-2'];

/** Copies each catalog package's commands into `<dir>/<package>/` (the store the installers copy from). */
export async function buildPackageStore(dir: string): Promise<void> {
  for (const [pkg, commands] of Object.entries(IMAGE_PACKAGES)) {
    await mkdir(join(dir, pkg), { recursive: true });
    for (const command of commands) {
      const source = `/usr/bin/${command}`;
      if (existsSync(source)) await copyFile(source, join(dir, pkg, command));
      await chmod(join(dir, pkg, command), 0o755).catch(() => undefined);
    }
  }
}

function installer(tool: 'dnf' | 'apt-get', store: string): string {
  const missing =
    tool === 'dnf'
      ? 'for n in $missing; do echo "No match for argument: $n" >&2; done; echo "Error: Unable to find a match:$missing" >&2; exit 1'
      : 'for n in $missing; do echo "E: Unable to locate package $n" >&2; done; exit 100';
  const done = tool === 'dnf' ? 'echo "Complete!"' : 'true';
  return `#!/bin/sh
# Lab image package manager (${tool}): installs from the lab's catalog into this task's /usr/bin.
store='${store}'
verb=""; names=""
for arg in "$@"; do
  case "$arg" in -*) ;; *) if [ -z "$verb" ]; then verb=$arg; else names="$names $arg"; fi ;; esac
done
case "$verb" in
  install|reinstall)
    missing=""
    for n in $names; do
      case " ${PREINSTALLED.join(' ')} " in *" $n "*) echo "lab image: '$n' is preinstalled" >&2; continue ;; esac
      [ -d "$store/$n" ] || missing="$missing $n"
    done
    if [ -n "$missing" ]; then ${missing}; fi
    for n in $names; do
      [ -d "$store/$n" ] || continue
      for f in "$store/$n"/*; do rm -f "/usr/bin/\${f##*/}"; cp "$f" "/usr/bin/\${f##*/}" || exit 1; done
      echo "Installed: $n"
    done
    ${done}
    ;;
  update|upgrade|makecache|clean) ${tool === 'dnf' ? 'echo "Complete!"' : 'echo "Reading package lists... Done"'} ;;
  *) ;;
esac
`;
}

/** The package-manager programs of an image's /usr/bin, as scripts. */
export function packageManagers(id: ImageId, store: string): Record<string, string> {
  if (id === 'amazonlinux') return { dnf: installer('dnf', store), yum: installer('dnf', store) };
  // Alpine's apk is not simulated: no harness command installs anything in the docker:cli image.
  if (id === 'docker') return {};
  return { 'apt-get': installer('apt-get', store), apt: installer('apt-get', store) };
}
