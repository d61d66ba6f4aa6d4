import { InfrastructureError } from '../../core/errors.ts';
import { describeProbe, MOTO_VERSION, probeMoto } from './moto-probe.ts';
import { fillMotoVenv, motoVenv, motoVenvCommands } from './moto-venv.ts';

export { MOTO_VERSION } from './moto-probe.ts';

/**
 * The Python that runs the lab's moto, exactly MOTO_VERSION: $ECS_TASKROLE_MOTO_PYTHON (no fallback: the
 * user chose it), else the tool's private virtual environment, else `python3` on PATH. With none, the
 * private environment is made and filled from PyPI (`log` says so; about a minute, once); where PyPI is not
 * reachable it fails at once with the exact commands.
 */
export async function findMotoPython(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string> {
  const chosen = env.ECS_TASKROLE_MOTO_PYTHON;
  if (chosen) {
    const probe = await probeMoto(chosen, env);
    if (probe.found === 'ok') return probe.python;
    throw new InfrastructureError(
      `ECS_TASKROLE_MOTO_PYTHON=${chosen}: ${describeProbe(probe)}; the lab needs moto ${MOTO_VERSION} with its server extra ` +
        `(${chosen} -m pip install 'moto[server]==${MOTO_VERSION}'), or unset the variable.`,
    );
  }
  const venv = motoVenv(env);
  const tried = [await probeMoto(venv.python, env), await probeMoto('python3', env)];
  const found = tried.find((probe) => probe.found === 'ok');
  if (found) return found.python;
  const seen = tried
    .filter((probe) => probe.found !== 'no python')
    .map((probe) => `${probe.python}: ${describeProbe(probe)}`);
  await fillMotoVenv(venv, env, log, seen);
  const filled = await probeMoto(venv.python, env);
  if (filled.found === 'ok') return filled.python;
  throw new InfrastructureError(
    `${venv.python} was filled but holds ${describeProbe(filled)}; remove ${venv.dir} and try again, or run:\n` +
      motoVenvCommands(venv),
  );
}
