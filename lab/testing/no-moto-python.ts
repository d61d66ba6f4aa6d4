/**
 * Environments where no Python has the lab's moto, as on a stock Debian or Ubuntu: `python3` on PATH is
 * the system's (moto-less) Python through a shim, the tool's cache is empty, and the package index refuses
 * (a closed loopback port), so nothing can be installed whatever this machine's network allows.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

const SYSTEM_PYTHONS = ['/usr/bin/python3', '/bin/python3'];
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Port 9 (discard) on loopback: nothing listens, the connection is refused at once. */
export const REFUSING_INDEX = 'http://127.0.0.1:9/simple/';

/** A system Python that has no moto, or undefined (the spec then skips: this machine cannot show it). */
export async function systemPythonWithoutMoto(): Promise<string | undefined> {
  for (const python of SYSTEM_PYTHONS) {
    const probe = await execa(
      python,
      ['-c', 'import importlib.util as u, sys; sys.exit(1 if u.find_spec("moto") else 0)'],
      {
        reject: false,
      },
    );
    if (probe.exitCode === 0) return python;
  }
  return undefined;
}

/**
 * The variables of such an environment under `dir`; `fakeMoto` puts a moto of that version (metadata and
 * its server extra's modules, nothing that runs) on the Python's path.
 */
export async function noMotoEnv(dir: string, python: string, fakeMoto?: string): Promise<Record<string, string>> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await symlink(python, join(bin, 'python3'));
  const env: Record<string, string> = {
    PATH: `${bin}:${SYSTEM_PATH}`,
    XDG_CACHE_HOME: join(dir, 'cache'),
    PIP_INDEX_URL: REFUSING_INDEX,
    ECS_TASKROLE_MOTO_PYTHON: '',
    PYTHONPATH: '',
  };
  if (!fakeMoto) return env;
  const site = join(dir, 'site');
  await mkdir(join(site, `moto-${fakeMoto}.dist-info`), { recursive: true });
  await writeFile(
    join(site, `moto-${fakeMoto}.dist-info`, 'METADATA'),
    `Metadata-Version: 2.1\nName: moto\nVersion: ${fakeMoto}\n`,
  );
  for (const module of ['moto', 'flask', 'flask_cors']) {
    await mkdir(join(site, module), { recursive: true });
    await writeFile(join(site, module, '__init__.py'), '');
  }
  return { ...env, PYTHONPATH: site };
}
