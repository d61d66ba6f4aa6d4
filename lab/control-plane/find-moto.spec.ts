import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { noMotoEnv, REFUSING_INDEX, systemPythonWithoutMoto } from '../testing/no-moto-python.ts';
import { findMotoPython } from './find-moto.ts';

/**
 * Which Python runs the lab's moto: $ECS_TASKROLE_MOTO_PYTHON, else the tool's private environment, else
 * python3 on PATH, each only with exactly moto[server] 5.2.1; with none and the package index refused, a stop
 * with the commands to run, before anything is made.
 */
let dir = '';
let python: string | undefined;
test.beforeAll(async () => {
  python = await systemPythonWithoutMoto();
});
test.beforeEach(async () => {
  test.skip(!python, 'no system Python without moto on this machine');
  dir = await mkdtemp(join(tmpdir(), 'etr-moto-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const logged: string[] = [];
const log = (line: string) => logged.push(line);

test('no moto anywhere, the index refused: the exact commands, the variable, and nothing made', async () => {
  const env = await noMotoEnv(dir, python ?? '');
  const failure = await findMotoPython(env, log).then(
    () => undefined,
    (error: Error) => error.message,
  );
  const venv = join(dir, 'cache', 'ecs-taskrole', 'moto-5.2.1');
  expect(failure).toContain(`${REFUSING_INDEX} is not reachable`);
  expect(failure).toContain('python3: no moto');
  expect(failure).toContain(`python3 -m venv ${venv}\n`);
  expect(failure).toMatch(
    new RegExp(`${venv}/bin/python -m pip install 'moto\\[server\\]==5\\.2\\.1' -c \\S+/moto-constraints\\.txt`),
  );
  expect(failure).toContain('ECS_TASKROLE_MOTO_PYTHON=/path/to/python');
  expect(existsSync(join(dir, 'cache'))).toBe(false);
  expect(logged).toEqual([]);
});

test('python3 on PATH with another moto version is not taken: the version is named', async () => {
  const env = await noMotoEnv(dir, python ?? '', '5.1.0');
  await expect(findMotoPython(env, log)).rejects.toThrow('python3: moto 5.1.0, not moto[server] 5.2.1');
});

test('ECS_TASKROLE_MOTO_PYTHON is used alone: the wrong version there is an error, not a fallback', async () => {
  const env = await noMotoEnv(dir, python ?? '', '5.1.0');
  await expect(findMotoPython({ ...env, ECS_TASKROLE_MOTO_PYTHON: python ?? '' }, log)).rejects.toThrow(
    `ECS_TASKROLE_MOTO_PYTHON=${python}: moto 5.1.0, not moto[server] 5.2.1`,
  );
});

test('the private environment comes before python3 on PATH; python3 with moto 5.2.1 is taken', async () => {
  const env = await noMotoEnv(dir, python ?? '', '5.2.1');
  // The interpreter's own path, not the name on PATH (a pyenv shim would cost a bash start per use).
  expect(await findMotoPython(env, log)).toBe(join(dir, 'bin', 'python3'));
  const venvBin = join(dir, 'cache', 'ecs-taskrole', 'moto-5.2.1', 'bin');
  await mkdir(venvBin, { recursive: true });
  await symlink(python ?? '', join(venvBin, 'python'));
  expect(await findMotoPython(env, log)).toBe(join(venvBin, 'python'));
});
