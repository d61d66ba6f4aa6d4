/**
 * The tool's private Python virtual environment for the lab's moto: stock Debian and Ubuntu refuse
 * `pip install` into the system Python (PEP 668), so the tool makes one environment per user and fills it
 * from PyPI (or PIP_INDEX_URL), with every dependency pinned (moto-lab/moto-constraints.txt).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import lockfile from 'proper-lockfile';
import { InfrastructureError } from '../../core/errors.ts';
import { moduleFile } from '../../infra/files/module-file.ts';
import { outputTail } from '../../infra/system/output-tail.ts';
import { MOTO_VERSION, probeMoto } from './moto-probe.ts';

const PYPI_SIMPLE = 'https://pypi.org/simple/';
/** Long enough for a slow mirror to answer, short enough that a refused network stops the run at once. */
const REACH_TIMEOUT_S = 5;

export interface MotoVenv {
  dir: string;
  python: string;
  constraints: string;
}

/** `$XDG_CACHE_HOME/ecs-taskrole/moto-5.2.1`, else `~/.cache/…`: it outlives `lab down` and every clone. */
export function motoVenv(env: NodeJS.ProcessEnv): MotoVenv {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  const dir = join(cache, 'ecs-taskrole', `moto-${MOTO_VERSION}`);
  return {
    dir,
    python: join(dir, 'bin', 'python'),
    constraints: moduleFile('./moto-lab/moto-constraints.txt', import.meta.url),
  };
}

/** The commands that make the environment by hand, where PyPI (or a mirror) is reachable. */
export function motoVenvCommands(venv: MotoVenv): string {
  return [
    `  python3 -m venv ${venv.dir}`,
    `  ${venv.python} -m pip install 'moto[server]==${MOTO_VERSION}' -c ${venv.constraints}`,
  ].join('\n');
}

/**
 * Makes and fills the environment, once per machine user even with runs starting together (a lock beside
 * it); fails before making anything when the package index is not reachable. `seen`: what the Pythons
 * tried hold, for the message.
 */
export async function fillMotoVenv(
  venv: MotoVenv,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  seen: readonly string[],
): Promise<void> {
  const index = env.PIP_INDEX_URL || PYPI_SIMPLE;
  const unreachable = await indexUnreachable(index, env);
  if (unreachable) throw new InfrastructureError(notReachableMessage(venv, index, unreachable, seen));
  mkdirSync(dirname(venv.dir), { recursive: true });
  const release = await lockfile.lock(dirname(venv.dir), {
    lockfilePath: `${venv.dir}.lock`,
    // A fill takes about a minute; a lock older than its refresh by far is a dead process's.
    retries: { retries: 60, minTimeout: 2_000, maxTimeout: 5_000 },
  });
  try {
    // Another run filled it while this one waited for the lock.
    if ((await probeMoto(venv.python, env)).found === 'ok') return;
    log(`installing moto ${MOTO_VERSION} into ${venv.dir} from ${safeIndex(index)} (once; about a minute)`);
    rmSync(venv.dir, { recursive: true, force: true });
    await step(
      ['python3', '-m', 'venv', venv.dir],
      env,
      'python3 -m venv (Debian/Ubuntu: apt-get install -y python3-venv)',
    );
    await step(
      [
        venv.python,
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--quiet',
        `moto[server]==${MOTO_VERSION}`,
        '-c',
        venv.constraints,
      ],
      env,
      'pip install',
    );
  } catch (error) {
    rmSync(venv.dir, { recursive: true, force: true });
    throw error;
  } finally {
    await release();
  }
}

async function step([command, ...args]: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  const result = await execa(command ?? '', args, { reject: false, env, extendEnv: false, all: true });
  if (result.exitCode === 0) return;
  const tail = outputTail(String(result.all ?? result.message));
  throw new InfrastructureError(`making the lab's moto environment failed at ${what}: ${tail}`);
}

/** Why the index's moto page cannot be read (as pip would: the same proxies), or undefined when it can. */
async function indexUnreachable(index: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const script = [
    'import sys, urllib.request',
    'import os',
    'try: urllib.request.urlopen(os.environ["ETR_INDEX_PROBE_URL"], timeout=float(sys.argv[1])).close()',
    'except Exception as e: print(getattr(e, "reason", e)); sys.exit(1)',
  ].join('\n');
  const url = `${index.replace(/\/?$/, '/')}moto/`;
  // The URL (a mirror's may carry a password) goes through the environment, never argv (/proc/*/cmdline).
  const probe = await execa('python3', ['-c', script, String(REACH_TIMEOUT_S)], {
    reject: false,
    env: { ...env, ETR_INDEX_PROBE_URL: url },
    extendEnv: false,
  });
  if (probe.exitCode === 0) return undefined;
  if (probe.failed && probe.exitCode === undefined)
    return 'no python3 on PATH (apt-get install -y python3 python3-venv)';
  return String(probe.stdout).trim().slice(0, 200) || `exit ${probe.exitCode}`;
}

function notReachableMessage(venv: MotoVenv, index: string, why: string, seen: readonly string[]): string {
  return [
    `the lab's control plane is moto ${MOTO_VERSION}, found in no Python here${seen.length ? ` (${seen.join('; ')})` : ''}, ` +
      `and ${safeIndex(index)} is not reachable to install it (${why}). Nothing was started.`,
    `Install it where PyPI or your mirror (PIP_INDEX_URL) is reachable, then run again:`,
    motoVenvCommands(venv),
    `or name a Python that has moto[server]==${MOTO_VERSION}: ECS_TASKROLE_MOTO_PYTHON=/path/to/python npx ecs-taskrole run`,
  ].join('\n');
}

/** The index without a user or password (a mirror's URL may carry them). */
function safeIndex(index: string): string {
  try {
    const url = new URL(index);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'PIP_INDEX_URL (not a URL)';
  }
}
