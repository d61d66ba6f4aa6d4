/**
 * Package managers inside the lab's images: `dnf`/`yum` (amazonlinux) and `apt-get`/`apt` (the Debian-based
 * python and node images) install from a small lab repository (the package store) into the task's own
 * /usr/bin, at task run time, under the names the real repository resolves, so an install the harness's
 * command performs there happens here too and an install by a wrong name leaves the task without the
 * command, as on AWS. A name outside a tool's repository fails as the real tool fails. Sources: dnf 4 and
 * apt 2.6 messages for a missing package; each package's source is beside it below.
 */

import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageId } from './catalog.ts';

/** This machine's AWS CLI v2 (Debian's `awscli`, a Python script): the payload of the lab's `awscli-2`. */
export const DEBIAN_AWS_CLI_V2 = '/usr/bin/aws';

/** One file a package puts in /usr/bin: a copy of this machine's build of the command, or a script. */
type PackageFile = { copyOf: string } | { script: (payload: string) => string };

interface ImagePackage {
  /** Where the real repository has this name under exactly this spelling. */
  source: string;
  /** The files it installs into /usr/bin, by name. */
  bin: Readonly<Record<string, PackageFile>>;
  /** Files kept in the store beside the package (not on PATH), by name: copies of this machine's files. */
  payload?: Readonly<Record<string, string>>;
}

const BINUTILS: ImagePackage = {
  source: 'AL2023 package list ("All Amazon Linux 2023 packages", release notes); Debian bookworm main (binutils)',
  bin: Object.fromEntries(
    ['strings', 'readelf', 'objdump', 'nm', 'size', 'addr2line'].map((name) => [name, { copyOf: `/usr/bin/${name}` }]),
  ),
};

/**
 * CLI v2 2.9 ignores AWS_ENDPOINT_URL (support came in 2.13): the lab's build adds the endpoint as a flag,
 * then runs Debian's CLI v2 from the package's payload with the image's python3.
 */
function awsCliV2Wrapper(payload: string): string {
  const cli = `/usr/bin/python3 '${join(payload, 'aws')}'`;
  return `#!/bin/sh\nif [ -n "$AWS_ENDPOINT_URL" ]; then\n  exec ${cli} --endpoint-url "$AWS_ENDPOINT_URL" "$@"\nfi\nexec ${cli} "$@"\n`;
}

const AWSCLI_2: ImagePackage = {
  source:
    'AL2023 package list ("All Amazon Linux 2023 packages"); AL2023 User Guide, "AWS CLI v2"; amazonlinux/amazon-linux-2023#272 (awscli-2 replacing awscli), #625 (not in the container image until installed)',
  bin: { aws: { script: awsCliV2Wrapper } },
  payload: { aws: DEBIAN_AWS_CLI_V2 },
};

/** Each tool's repository: the names it resolves. AL2023's for dnf/yum, Debian bookworm's for apt. */
const REPOSITORIES: Readonly<Record<'dnf' | 'apt-get', Readonly<Record<string, ImagePackage>>>> = {
  dnf: { binutils: BINUTILS, 'awscli-2': AWSCLI_2 },
  'apt-get': { binutils: BINUTILS },
};

/**
 * Names public AL2023 scripts use whose resolution on AL2023 no public source establishes: the AL2023
 * package list names `awscli-2` only, and its spec (with any Provides or Obsoletes) is not published. The
 * lab fails them as unknown names and says why in the task's output (docs/lab-differences.md).
 */
const UNESTABLISHED_DNF_NAMES = ['aws-cli', 'awscli'];

/** Every package of every repository under `<dir>/<package>/bin` (installed files) and `/payload`. */
export async function buildPackageStore(dir: string): Promise<void> {
  const packages = new Map(Object.values(REPOSITORIES).flatMap((repository) => Object.entries(repository)));
  for (const [name, pkg] of packages) {
    const bin = join(dir, name, 'bin');
    const payload = join(dir, name, 'payload');
    await mkdir(bin, { recursive: true });
    await mkdir(payload, { recursive: true });
    for (const [file, source] of Object.entries(pkg.payload ?? {})) await copyFile(source, join(payload, file));
    for (const [file, content] of Object.entries(pkg.bin)) {
      const target = join(bin, file);
      if ('copyOf' in content) {
        if (existsSync(content.copyOf)) await copyFile(content.copyOf, target);
      } else await writeFile(target, content.script(payload));
      await chmod(target, 0o755).catch(() => undefined);
    }
  }
}

function notFound(tool: 'dnf' | 'apt-get'): string {
  if (tool === 'apt-get') return 'for n in $missing; do echo "E: Unable to locate package $n" >&2; done; exit 100';
  const note = `lab image: whether AL2023's repository resolves '$n' (as a provide of awscli-2) is not established by a public source; the lab fails it as dnf fails an unknown name (docs/lab-differences.md)`;
  return [
    'for n in $missing; do echo "No match for argument: $n" >&2; done',
    `for n in $missing; do case " ${UNESTABLISHED_DNF_NAMES.join(' ')} " in *" $n "*) echo "${note}" >&2 ;; esac; done`,
    'echo "Error: Unable to find a match:$missing" >&2; exit 1',
  ].join('\n      ');
}

function installer(tool: 'dnf' | 'apt-get', store: string): string {
  const known = Object.keys(REPOSITORIES[tool]).join(' ');
  const done = tool === 'dnf' ? 'echo "Complete!"' : 'true';
  return `#!/bin/sh
# Lab image package manager (${tool}): installs from the lab's repository into this task's /usr/bin.
store='${store}'
verb=""; names=""
for arg in "$@"; do
  case "$arg" in -*) ;; *) if [ -z "$verb" ]; then verb=$arg; else names="$names $arg"; fi ;; esac
done
case "$verb" in
  install|reinstall)
    missing=""
    for n in $names; do
      case " ${known} " in *" $n "*) ;; *) missing="$missing $n" ;; esac
    done
    if [ -n "$missing" ]; then
      ${notFound(tool)}
    fi
    for n in $names; do
      for f in "$store/$n/bin"/*; do rm -f "/usr/bin/\${f##*/}"; cp "$f" "/usr/bin/\${f##*/}" || exit 1; done
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
