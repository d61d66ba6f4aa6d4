import { execa } from 'execa';
import { InfrastructureError } from '../../core/errors.ts';
import { ensureAptSuite } from './apt-suite.ts';
import { outputTail } from './output-tail.ts';

/** A Debian package the lab or the report tests need, and the command that proves it is there. */
export interface SystemPackage {
  name: string;
  command: string;
  why: string;
  /** When a command on PATH does not prove it (a Python module): argv that exits 0 when it is there. */
  probe?: readonly string[];

  /** A Debian suite to install it from (added to apt's sources when none names it): `-t <suite>`. */
  suite?: string;
}

/** A package whose program is looked up by its full path (`test -x` follows an alternatives link). */
function pathPackage(name: string, path: string, why: string): SystemPackage {
  return { name, command: path, probe: ['test', '-x', path], why };
}

/** A package with no command of its own (sources, a static library): one of its files proves it is there. */
function sourceFilePackage(name: string, path: string, why: string): SystemPackage {
  return { name, command: path, probe: ['test', '-f', path], why };
}

/**
 * iptables and conntrack are looked up by their full path, as Debian installs them: /usr/sbin is off a
 * non-root user's PATH (and sometimes root's under sudo or a CI runner), where `command -v` found nothing and
 * every run went back to apt-get. iptables is an alternatives link there; `test -x` follows it.
 */
export const LAB_PACKAGES: readonly SystemPackage[] = [
  pathPackage('iptables', '/usr/sbin/iptables', "the instances' NAT and filter rules"),
  pathPackage('conntrack', '/usr/sbin/conntrack', 'flushing stale NAT entries after rule changes'),
  { name: 'awscli', command: '/usr/bin/aws', why: "AWS CLI v2, the seed's client in amazonlinux tasks" },
  { name: 'binutils', command: 'strings', why: "the seed's .profile fix uses strings" },
  {
    name: 'python3-venv',
    command: 'python3',
    probe: ['python3', '-c', 'import ensurepip, venv'],
    why: "the private Python environment the lab's moto is installed into",
  },
];

/** Debian's Go and AWS SDK sources for the Go clients: only when a run's plan has an sdk-go-* cell (hundreds of MB). */
export const GO_CLIENT_PACKAGES: readonly SystemPackage[] = [
  { name: 'golang-go', command: '/usr/lib/go/bin/go', why: "Debian's Go, which builds the golang image's clients" },
  sourceFilePackage(
    'golang-github-aws-aws-sdk-go-dev',
    '/usr/share/gocode/src/github.com/aws/aws-sdk-go/aws/version.go',
    'aws-sdk-go 1.44, the sdk-go-v1 client',
  ),
  sourceFilePackage(
    'golang-github-aws-aws-sdk-go-v2-dev',
    '/usr/share/gocode/src/github.com/aws/aws-sdk-go-v2/config/config.go',
    'aws-sdk-go-v2 1.17, the sdk-go-v2 client',
  ),
];

/** Go 1.23, where bookworm-backports installs it (`golang-1.23-go` does not put `go` on PATH). */
export const GO_1_23 = '/usr/lib/go-1.23/bin/go';

/** What building the lab's real ECS agent needs: its toolchains (agent, ecs-init with cgo, the pause binary). */
export const AGENT_BUILD_PACKAGES: readonly SystemPackage[] = [
  {
    name: 'golang-1.23-go',
    command: GO_1_23,
    probe: [GO_1_23, 'version'],
    suite: 'bookworm-backports',
    why: 'builds the ECS agent and ecs-init (their go.mod asks for Go 1.23)',
  },
  { name: 'gcc', command: 'gcc', why: "ecs-init's cgo and the static pause binary" },
  sourceFilePackage('libc6-dev', '/usr/lib/x86_64-linux-gnu/libc.a', 'static pause binary'),
];

/** What a lab instance's real Docker engine needs (its daemon is looked up by full path: /usr/sbin may be off PATH). */
export const DOCKER_ENGINE_PACKAGES: readonly SystemPackage[] = [
  pathPackage('docker.io', '/usr/sbin/dockerd', "each lab instance's Docker engine (with containerd and runc)"),
];

/** Everything the real agent needs: its build and the engines it runs on. */
export const REAL_AGENT_PACKAGES: readonly SystemPackage[] = [...AGENT_BUILD_PACKAGES, ...DOCKER_ENGINE_PACKAGES];

export const REPORT_TEST_PACKAGES: readonly SystemPackage[] = [
  { name: 'chromium', command: '/usr/bin/chromium', why: 'browser tests of report.html' },
  { name: 'shellcheck', command: 'shellcheck', why: 'checks the run: scripts of the docs/ci workflows' },
];

export async function missingPackages(packages: readonly SystemPackage[]): Promise<SystemPackage[]> {
  const checks = await Promise.all(
    packages.map(async (pkg) => {
      const [command = 'sh', ...args] = pkg.probe ?? ['sh', '-c', `command -v ${pkg.command}`];
      const found = await execa(command, args, { reject: false });
      return found.exitCode === 0 ? undefined : pkg;
    }),
  );
  return checks.filter((pkg): pkg is SystemPackage => pkg !== undefined);
}

/**
 * Installs what is missing with apt-get when running as root; otherwise says exactly what to install.
 * Quiet when everything is present.
 */
export async function ensureSystemPackages(
  packages: readonly SystemPackage[],
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<void> {
  const missing = await missingPackages(packages);
  if (missing.length === 0) return;
  const names = missing.map((pkg) => pkg.name).join(' ');
  const reasons = missing.map((pkg) => `${pkg.name} (${pkg.why})`).join(', ');
  if (process.getuid?.() !== 0) {
    throw new InfrastructureError(
      `missing system packages: ${reasons}. Install them with: sudo apt-get install -y ${names}`,
    );
  }
  log(`installing missing system packages: ${names}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const suites = [...new Set(missing.flatMap((pkg) => (pkg.suite ? [pkg.suite] : [])))];
  for (const suite of suites) if (await ensureAptSuite(suite)) log(`added ${suite} to apt's sources`);
  const update = await execa('apt-get', ['update', '-qq'], { reject: false, env });
  const install = await installPackages(missing, env);
  if (install.exitCode !== 0) {
    const detail = outputTail(String(install.stderr || update.stderr));
    throw new InfrastructureError(`apt-get install -y ${names} failed: ${detail}`);
  }
}

/** One apt-get per suite (its packages with `-t suite`), stopping at the first failure. */
async function installPackages(
  packages: readonly SystemPackage[],
  env: Record<string, string>,
): Promise<{ exitCode?: number; stderr?: unknown }> {
  const suites = [...new Set(packages.map((pkg) => pkg.suite ?? ''))];
  let last: { exitCode?: number; stderr?: unknown } = { exitCode: 0 };
  for (const suite of suites) {
    const names = packages.filter((pkg) => (pkg.suite ?? '') === suite).map((pkg) => pkg.name);
    const target = suite ? ['-t', suite] : [];
    last = await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...target, ...names], {
      reject: false,
      env,
    });
    if (last.exitCode !== 0) return last;
  }
  return last;
}
