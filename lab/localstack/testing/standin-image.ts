/**
 * Test support: a LocalStack stand-in image for a lab Docker engine (localstack-container.spec.ts). No
 * registry reaches LocalStack's image here, so the image is imported, as the lab's task images are
 * (task-images.ts): one layer holding this machine's Python with moto, what it runs on, and
 * localstack_standin.py as its entry point (moto's server on 4566, "Ready." once it listens,
 * /_localstack/health). What it cannot show is in docs/lab-differences.md, "LocalStack backend".
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { moduleFile } from '../../../infra/files/module-file.ts';
import type { DockerEngine } from '../../data-plane/real-agent/docker-engine.ts';
import { BASE_HOST_PATHS, rootFsTarball, stageRootSkeleton } from '../../data-plane/real-agent/task-images.ts';

/** The name the spec passes as ECS_TASKROLE_LOCALSTACK_IMAGE: present in the engine, so nothing is pulled. */
export const STANDIN_IMAGE = 'lab-standin/localstack:moto';
const ENTRY_POINT = '/opt/localstack-standin/localstack_standin.py';

/**
 * What a Python needs besides the machine's libraries: the folders of its sys.path, its executable with
 * every link to it, a virtual environment's own folder (pyvenv.cfg, bin/), and its shared libpython. A
 * system prefix (/usr) is never taken whole. Constant text; the Python is argv's first element.
 */
const PYTHON_FILES = `
import json, os, sys, sysconfig
paths = [p for p in sys.path if p and os.path.exists(p)]
if sys.prefix != sys.base_prefix:
    paths.append(sys.prefix)
exe = sys.executable
while True:
    paths.append(exe)
    if not os.path.islink(exe):
        break
    exe = os.path.normpath(os.path.join(os.path.dirname(exe), os.readlink(exe)))
if sysconfig.get_config_var("Py_ENABLE_SHARED"):
    paths.append(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))
print(json.dumps({"executable": sys.executable, "paths": paths}))
`;

const pythonFilesSchema = z.object({ executable: z.string().startsWith('/'), paths: z.array(z.string()) });

/** Builds the stand-in's root file system in `workDir` and imports it into `engine` as STANDIN_IMAGE. */
export async function importLocalStackStandIn(engine: DockerEngine, python: string, workDir: string): Promise<void> {
  const files = pythonFilesSchema.parse(JSON.parse((await execa(python, ['-c', PYTHON_FILES])).stdout));
  const tarball = join(workDir, 'localstack-standin.tar');
  const script = moduleFile('./localstack_standin.py', import.meta.url);
  await rootFsTarball(
    async (stage) => {
      await stageRootSkeleton(stage);
      await mkdir(join(stage, 'opt', 'localstack-standin'), { recursive: true });
      await copyFile(script, join(stage, ENTRY_POINT));
    },
    { hostPaths: outermost([...BASE_HOST_PATHS, ...files.paths]) },
    tarball,
  );
  const changes = [
    `ENTRYPOINT ${JSON.stringify([files.executable, ENTRY_POINT])}`,
    // As the plain moto standing in at ECS_TASKROLE_LOCALSTACK_ENDPOINT runs (run-localstack.spec.ts).
    'ENV MOTO_IAM_LOAD_MANAGED_POLICIES=true',
    'ENV MOTO_PORT=4566',
    'ENV PYTHONDONTWRITEBYTECODE=1',
    'EXPOSE 4566',
  ];
  await engine.docker(['import', ...changes.flatMap((change) => ['--change', change]), tarball, STANDIN_IMAGE], {
    timeoutMs: 600_000,
  });
}

/** The paths not inside another of them (tar would store a nested folder twice). */
export function outermost(paths: readonly string[]): string[] {
  const unique = [...new Set(paths)];
  return unique.filter((path) => !unique.some((other) => other !== path && path.startsWith(`${other}/`)));
}
