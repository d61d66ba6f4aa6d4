/**
 * The lab's container images: each public image name the harness uses (docs/task-images.md) maps to a
 * runtime on this machine with the real client (preinstalled, or installed by the task from the lab's
 * package store: amazonlinux's `awscli-2`). An image is its environment (the real image's ENV and PATH),
 * a bin directory mounted over the task's /usr/local/bin (real clients, no-op pip, npm) and a home
 * directory for root. See README.md here.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { moduleFile } from '../../infra/files/module-file.ts';
import { goShim } from './go-clients.ts';

/** The code's root: the repository in a clone, the package's dist/ when installed. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PYENV_PYTHON_ROOT = '/root/.pyenv/versions/3.11.7';
/** The node image's `npm` (npm-shim.ts): run by the image's node, it links the packages the lab serves. */
export const NPM_SHIM = moduleFile('./npm-shim.ts', import.meta.url);

export type ImageId = 'amazonlinux' | 'python' | 'node' | 'golang' | 'docker';

/** What one name in the image's bin directory is. */
export type BinEntry =
  | { kind: 'link'; target: string }
  /** A shell script written verbatim (shebang included). */
  | { kind: 'script'; text: string };

export interface ImageSpec {
  id: ImageId;
  /** Repository names that pull this image, without tag (Docker Hub short forms and public ECR). */
  repositories: readonly string[];
  /** Tags the lab serves for it; any other tag is "not found" like a registry would say. */
  tags: readonly string[];
  /** The real image's ENV, without PATH. */
  env: Readonly<Record<string, string>>;
  /** The real image's PATH (a login shell's /etc/profile resets root's PATH to the standard one anyway). */
  path: string;
  /** Dotfiles of /root in the real image. */
  home: Readonly<Record<string, string>>;
  /** The image's CMD, run when the container definition has neither entryPoint nor command. */
  cmd: readonly string[];
  bin: (context: BinContext) => Record<string, BinEntry>;
}

export interface BinContext {
  /** Absolute path of the Node binary the project runs on (Node 22). */
  nodeBinary: string;
}

const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Debian's root dotfiles (python and node images are Debian based). */
const DEBIAN_ROOT_HOME = {
  '.bashrc': '# ~/.bashrc: executed by bash(1) for non-login shells.\n',
  '.profile':
    '# ~/.profile: executed by Bourne-compatible login shells.\n\nif [ "$BASH" ]; then\n  if [ -f ~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\n\nmesg n 2> /dev/null || true\n',
};

/** A package manager that installs nothing: the client is already in the image. Says so on stderr. */
function noopInstaller(name: string): BinEntry {
  return {
    kind: 'script',
    text: `#!/bin/sh\necho "lab image: '${name} $*' is a no-op; the client is preinstalled" >&2\nexit 0\n`,
  };
}

export const IMAGES: readonly ImageSpec[] = [
  {
    id: 'amazonlinux',
    // Exactly the pinned ECR Public name the harness uses (infra/task-definition/client-container.ts): a
    // Docker Hub name or a moving tag would pass here and then meet pull limits or a new release on AWS.
    repositories: ['public.ecr.aws/amazonlinux/amazonlinux'],
    tags: ['2023.9.20251208.0'],
    env: {},
    path: STANDARD_PATH,
    home: {
      '.bashrc': '# .bashrc\n',
      '.bash_profile': '# .bash_profile\nif [ -f ~/.bashrc ]; then\n  . ~/.bashrc\nfi\n',
    },
    cmd: ['/bin/bash'],
    // No AWS CLI: the container image has none until a task installs `awscli-2` with the image's dnf or
    // yum (image-packages.ts), which are in its /usr/bin with python3 (image-commands.ts).
    bin: () => ({}),
  },
  {
    id: 'python',
    repositories: ['python', 'library/python', 'public.ecr.aws/docker/library/python'],
    tags: ['3.11-slim', '3.11', '3.11.7', '3.11.7-slim'],
    env: { LANG: 'C.UTF-8', PYTHON_VERSION: '3.11.7' },
    path: `/usr/local/bin:${STANDARD_PATH}`,
    home: DEBIAN_ROOT_HOME,
    cmd: ['python3'],
    bin: () => ({
      aws: { kind: 'link', target: `${PYENV_PYTHON_ROOT}/bin/aws` },
      python: { kind: 'link', target: `${PYENV_PYTHON_ROOT}/bin/python3.11` },
      python3: { kind: 'link', target: `${PYENV_PYTHON_ROOT}/bin/python3.11` },
      pip: noopInstaller('pip'),
      pip3: noopInstaller('pip3'),
    }),
  },
  {
    id: 'node',
    repositories: ['node', 'library/node', 'public.ecr.aws/docker/library/node'],
    tags: ['22-slim', '22', 'lts-slim'],
    env: { NODE_VERSION: '22', YARN_VERSION: '1.22.22' },
    path: STANDARD_PATH,
    home: DEBIAN_ROOT_HOME,
    cmd: ['node'],
    bin: ({ nodeBinary }) => ({
      node: { kind: 'link', target: nodeBinary },
      npm: {
        kind: 'script',
        text: `#!/bin/sh\nexec "${nodeBinary}" "${NPM_SHIM}" "$@"\n`,
      },
    }),
  },
  {
    id: 'golang',
    // The Docker official golang image on Debian bookworm (buildpack-deps); the tag the harness pins
    // (infra/task-definition/go-client.ts), Debian's Go release line.
    repositories: ['golang', 'library/golang', 'public.ecr.aws/docker/library/golang'],
    tags: ['1.19.13-bookworm'],
    env: { GOLANG_VERSION: '1.19.13', GOPATH: '/go' },
    path: `/go/bin:/usr/local/go/bin:${STANDARD_PATH}`,
    home: DEBIAN_ROOT_HOME,
    cmd: ['bash'],
    // The image's go is a real toolchain; here `go build` serves the lab's build of the same source.
    bin: () => ({ go: { kind: 'script', text: goShim() } }),
  },
  {
    id: 'docker',
    // Docker's official image, CLI only (Alpine): what a task that starts sibling containers runs
    // (infra/task-definition/client-container.ts DOCKER_CLI_IMAGE).
    repositories: ['docker', 'library/docker', 'public.ecr.aws/docker/library/docker'],
    tags: ['27.5.1-cli'],
    env: { DOCKER_VERSION: '27.5.1' },
    path: STANDARD_PATH,
    home: {},
    cmd: ['sh'],
    // The CLI talks to the instance's Docker socket only if the task mounted it (docker-cli.ts).
    bin: ({ nodeBinary }) => ({
      docker: {
        kind: 'script',
        text: `#!/bin/sh\nexec "${nodeBinary}" "${moduleFile('./docker-cli.ts', import.meta.url)}" "$@"\n`,
      },
    }),
  },
];

/** Where the image's root user lives and works: Docker's default WORKDIR is `/`, the lab's is HOME. */
export const IMAGE_HOME = '/root';
