import { execa } from 'execa';

export const MOTO_VERSION = '5.2.1';

/**
 * Exit 0 when moto is exactly the version asked for (argv[1]) with its server extra (flask, flask_cors);
 * prints the version found and the interpreter's own path (a pyenv shim costs a bash start per use). Reads the installed metadata without importing moto (an import costs 0.4 s;
 * moto's own start-up reports a broken install).
 */
const PROBE = [
  'import importlib.metadata as m, importlib.util as u, sys',
  'try: v = m.version("moto")',
  'except m.PackageNotFoundError: sys.exit(3)',
  'print(v); print(sys.executable)',
  'sys.exit(0 if v == sys.argv[1] and all(u.find_spec(n) for n in ("flask", "flask_cors")) else 4)',
].join('\n');

/** What a Python holds: `ok` (moto[server] MOTO_VERSION), `no python`, `no moto`, or what it has instead. */
export interface MotoProbe {
  python: string;
  found: string;
}

export async function probeMoto(python: string, env: NodeJS.ProcessEnv): Promise<MotoProbe> {
  const probe = await execa(python, ['-c', PROBE, MOTO_VERSION], { reject: false, env, extendEnv: false });
  if (probe.exitCode === 0) return { python: String(probe.stdout).split('\n')[1]?.trim() || python, found: 'ok' };
  if (probe.exitCode === 3) return { python, found: 'no moto' };
  if (probe.exitCode !== 4) return { python, found: 'no python' };
  const version = (String(probe.stdout).split('\n')[0] ?? '').trim().slice(0, 40);
  return { python, found: version === MOTO_VERSION ? `moto ${version} without its server extra` : `moto ${version}` };
}

export function describeProbe(probe: MotoProbe): string {
  if (probe.found === 'no python') return 'not a Python that runs';
  if (probe.found === 'no moto') return 'no moto';
  return `${probe.found}, not moto[server] ${MOTO_VERSION}`;
}
