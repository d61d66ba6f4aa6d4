/**
 * The node image's aws-sdk v2 releases (2.4.6 is affected by CVE-2020-28472: no consumer of the package
 * should install it): the project's devDependencies name them (`aws-sdk-2016`, `aws-sdk-v2`, exact
 * versions); a clone has them from its lockfile, an installed package gets them here, from the npm
 * registry into the lab's own prefix, once per machine.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { findPackageJSON } from 'node:module';
import { execa } from 'execa';
import lockfile from 'proper-lockfile';
import { InfrastructureError } from '../../core/errors.ts';
import { outputTail } from '../../infra/system/output-tail.ts';
import { labNodePackages, TASK_CLIENTS_PREFIX } from './node-packages.ts';

/** The node_modules folder name of each release and the npm alias that installs it. */
const ALIASES = ['aws-sdk-v2', 'aws-sdk-2016'] as const;

/** `aws-sdk-v2@npm:aws-sdk@2.1693.0`, … as the project's package.json pins them. */
export function taskClientSpecs(): string[] {
  const file = findPackageJSON(import.meta.url);
  const manifest = file ? (JSON.parse(readFileSync(file, 'utf8')) as { devDependencies?: Record<string, string> }) : {};
  return ALIASES.map((alias) => {
    const pinned = manifest.devDependencies?.[alias];
    if (!pinned || !/^npm:aws-sdk@\d+\.\d+\.\d+$/.test(pinned)) {
      throw new InfrastructureError(`${file}: devDependencies.${alias} must pin npm:aws-sdk@X.Y.Z (it is ${pinned})`);
    }
    return `${alias}@${pinned}`;
  });
}

/** Installs the releases not found (clone or earlier install); quiet when both are there. */
export async function ensureTaskClients(log: (line: string) => void): Promise<void> {
  const specs = taskClientSpecs();
  const served = new Set(labNodePackages().map((pkg) => `${pkg.name}@${pkg.version}`));
  const missing = specs.filter((spec) => !served.has(`aws-sdk@${spec.split('@').at(-1)}`));
  if (missing.length === 0) return;
  const args = ['install', '--prefix', TASK_CLIENTS_PREFIX, '--no-save', '--no-package-lock', '--ignore-scripts'];
  const command = ['npm', ...args, '--no-audit', '--no-fund', ...specs];
  await mkdir(TASK_CLIENTS_PREFIX, { recursive: true });
  const release = await lockfile.lock(TASK_CLIENTS_PREFIX, { retries: { retries: 30, minTimeout: 1_000 } });
  try {
    log(`installing the node image's clients (once): ${command.join(' ')}`);
    const result = await execa(command[0] ?? 'npm', command.slice(1), { reject: false, all: true });
    if (result.exitCode !== 0) {
      const tail = outputTail(String(result.all ?? result.message));
      throw new InfrastructureError(
        `the lab's node image needs ${missing.join(', ')} and could not install them (${tail}); ` +
          `run where the npm registry is reachable: ${command.join(' ')}`,
      );
    }
  } finally {
    await release();
  }
}
