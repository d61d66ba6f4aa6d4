/**
 * npm packages the lab's node image serves: the real aws-sdk v2 releases (current and 2.4.6, the last
 * without container credentials; the clone's devDependencies, else installed by the lab, task-clients.ts)
 * and the project's own AWS SDK for JavaScript v3 clients. `npm install <spec>` in a task links the version the spec selects.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface LabNodePackage {
  name: string;
  version: string;
  /** Directory of the real package. */
  source: string;
  /** aws-sdk v2 has no AWS_ENDPOINT_URL support: the image wraps it to bake the lab endpoint in. */
  endpointWrapper: boolean;
  /** The node_modules directory it was found in (its own dependencies resolve from there). */
  nodeModules?: string;
}

/**
 * Where the lab installs the node image's aws-sdk v2 releases when the project does not bring them (an
 * installed package: they are its devDependencies, so no consumer installs them). A fixed path, not one
 * from HOME: the npm shim reads it inside a task, whose HOME is the image's. Root's: the lab runs as root.
 */
export const TASK_CLIENTS_PREFIX = '/var/cache/ecs-taskrole/task-clients';

/**
 * The node_modules directories Node looks in from here (the clone's own, or, when this is an installed
 * package, its nested one and then the installing project's), then the lab's own install.
 */
const LOOKUP = [
  ...(createRequire(import.meta.url).resolve.paths('aws-sdk') ?? []),
  join(TASK_CLIENTS_PREFIX, 'node_modules'),
];

function installed(directory: string, name: string, endpointWrapper: boolean): LabNodePackage | undefined {
  for (const nodeModules of LOOKUP) {
    const source = join(nodeModules, directory);
    try {
      const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string };
      return { name, version, source, endpointWrapper, nodeModules };
    } catch {}
  }
  return undefined;
}

const V3_CLIENTS = ['client-sts', 'client-ecs', 'client-iam', 'client-ec2', 'client-ssm', 'client-cloudwatch-logs'];

/** The packages served, read from disk at each call: the lab may have just installed the v2 releases. */
export function labNodePackages(): LabNodePackage[] {
  return [
    installed('aws-sdk-v2', 'aws-sdk', true),
    installed('aws-sdk-2016', 'aws-sdk', true),
    ...V3_CLIENTS.map((client) => installed(`@aws-sdk/${client}`, `@aws-sdk/${client}`, false)),
    installed('@aws-sdk/credential-providers', '@aws-sdk/credential-providers', false),
  ].filter((pkg): pkg is LabNodePackage => pkg !== undefined);
}

/** What a task must see of this machine's node_modules for the served packages to load. */
export function labNodeModules(): string[] {
  return [...new Set(labNodePackages().flatMap((pkg) => (pkg.nodeModules ? [pkg.nodeModules] : [])))];
}

/** `name@range` or `@scope/name@range`; no range means latest. */
export function parsePackageSpec(spec: string): { name: string; range: string } {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at < 0 ? { name: spec, range: '' } : { name: spec.slice(0, at), range: spec.slice(at + 1) };
}

type Version = [number, number, number];

function parseVersion(text: string): Version | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The subset of npm ranges a task command uses: latest, exact, X, X.Y, X.x, ^, ~, >=. */
export function satisfies(versionText: string, rangeText: string): boolean {
  const version = parseVersion(versionText);
  if (!version) return false;
  const range = rangeText.trim();
  if (['', 'latest', '*', 'x'].includes(range)) return true;
  const partial = /^(\d+)(?:\.(\d+|x|\*))?(?:\.(x|\*))?$/.exec(range);
  if (partial) {
    const [, major, minor] = partial;
    return (
      version[0] === Number(major) &&
      (minor === undefined || minor === 'x' || minor === '*' || version[1] === Number(minor))
    );
  }
  const operator = /^(\^|~|>=)?(\d+\.\d+\.\d+)$/.exec(range);
  const bound = operator ? parseVersion(operator[2] ?? '') : undefined;
  if (!operator || !bound) return false;
  if (operator[1] === undefined) return compare(version, bound) === 0;
  if (compare(version, bound) < 0) return false;
  if (operator[1] === '>=') return true;
  if (operator[1] === '~') return version[0] === bound[0] && version[1] === bound[1];
  return bound[0] > 0 ? version[0] === bound[0] : version[1] === bound[1];
}

export type PackageChoice = { ok: true; pkg: LabNodePackage } | { ok: false; code: 'E404' | 'ETARGET' };

/** The highest served version the spec accepts, or npm's error code. */
export function choosePackage(spec: string, packages: readonly LabNodePackage[] = labNodePackages()): PackageChoice {
  const { name, range } = parsePackageSpec(spec);
  const candidates = packages.filter((pkg) => pkg.name === name);
  if (candidates.length === 0) return { ok: false, code: 'E404' };
  const matching = candidates
    .filter((pkg) => satisfies(pkg.version, range))
    .sort((a, b) => compare(parseVersion(b.version) ?? [0, 0, 0], parseVersion(a.version) ?? [0, 0, 0]));
  const [best] = matching;
  return best ? { ok: true, pkg: best } : { ok: false, code: 'ETARGET' };
}
