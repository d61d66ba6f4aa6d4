/**
 * The real clients the lab's images need on this machine. Only Debian's `awscli` (CLI v2) may be missing
 * on a fresh machine, and the aws-sdk v2 releases where the package was installed (task-clients.ts); the
 * rest ship with the project (npm) or the machine image (pyenv CLI v1).
 */
import { access, constants } from 'node:fs/promises';
import { InfrastructureError } from '../../core/errors.ts';
import { ensureSystemPackages, LAB_PACKAGES } from '../../infra/system/system-packages.ts';
import { PYENV_PYTHON_ROOT } from './catalog.ts';
import { DEBIAN_AWS_CLI_V2 } from './image-packages.ts';
import { labNodePackages } from './node-packages.ts';
import { ensureTaskClients } from './task-clients.ts';

/**
 * Installs what apt can install when root (awscli, binutils for `strings`), otherwise throws with the exact
 * command; checks the pyenv CLI v1 and the npm SDKs, which the lab cannot install itself.
 */
export async function ensureClients(log?: (line: string) => void): Promise<void> {
  await ensureSystemPackages(
    LAB_PACKAGES.filter((pkg) => pkg.name === 'awscli' || pkg.name === 'binutils'),
    log,
  );
  await ensureTaskClients(log ?? (() => {}));
  const problems: string[] = [];
  if (!(await executable(DEBIAN_AWS_CLI_V2))) problems.push(`${DEBIAN_AWS_CLI_V2} (apt-get install -y awscli)`);
  if (!(await executable(`${PYENV_PYTHON_ROOT}/bin/aws`))) {
    problems.push(`${PYENV_PYTHON_ROOT}/bin/aws (AWS CLI v1 in pyenv Python 3.11.7: pip install 'awscli<2')`);
  }
  const served = labNodePackages();
  const names = new Set(served.map((pkg) => `${pkg.name}@${pkg.version}`));
  const versions = served.filter((pkg) => pkg.name === 'aws-sdk').map((pkg) => pkg.version);
  if (
    !versions.includes('2.4.6') ||
    versions.length < 2 ||
    ![...names].some((n) => n.startsWith('@aws-sdk/client-sts@'))
  ) {
    problems.push('npm packages aws-sdk 2.4.6 and 2.x, @aws-sdk/client-sts (npm install)');
  }
  if (problems.length > 0) throw new InfrastructureError(`lab task clients missing: ${problems.join('; ')}`);
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
