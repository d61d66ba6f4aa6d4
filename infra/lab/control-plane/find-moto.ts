import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { InfrastructureError } from '../../../core/errors.ts';

export const MOTO_VERSION = '5.2.1';

/**
 * Whether moto and its server extra are installed, without importing them (an import costs 0.4 s; moto's
 * own start-up reports a broken install).
 */
const HAS_MOTO_SERVER =
  "import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ('moto', 'flask', 'flask_cors')) else 1)";

/**
 * A Python that can run moto's server: $ECS_TASKROLE_MOTO_PYTHON, else the pyenv versions (newest
 * first), else `python3` on PATH. moto comes from PyPI, which the project cannot install for you.
 */
export async function findMotoPython(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates = [
    ...(env.ECS_TASKROLE_MOTO_PYTHON ? [env.ECS_TASKROLE_MOTO_PYTHON] : []),
    ...(await pyenvPythons(env)),
    'python3',
  ];
  for (const python of candidates) {
    const probe = await execa(python, ['-c', HAS_MOTO_SERVER], { reject: false, env, extendEnv: false });
    if (probe.exitCode === 0) return python;
  }
  throw new InfrastructureError(
    `moto server not found (tried ${candidates.join(', ')}). The lab's control plane is moto ${MOTO_VERSION}: ` +
      `install it with \`pip install 'moto[server]==${MOTO_VERSION}'\`, or name its Python in ECS_TASKROLE_MOTO_PYTHON.`,
  );
}

async function pyenvPythons(env: NodeJS.ProcessEnv): Promise<string[]> {
  const root = join(env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  const versions = await readdir(root).catch(() => [] as string[]);
  return versions
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))
    .map((version) => join(root, version, 'bin', 'python'));
}
