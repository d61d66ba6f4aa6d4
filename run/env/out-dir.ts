import { resolve } from 'node:path';
import { DEFAULT_OUT_DIR } from '../../core/run-config.ts';

/**
 * `ECS_TASKROLE_OUT`: the output directory of a direct `npx playwright test` run that names no run config
 * (`ecs-taskrole run` records its `--out` in run-config.json instead). The results reporter reads the same
 * variable for `merge-reports`, which takes no options (reports/reporter.ts).
 */
export const OUT_DIR_ENV = 'ECS_TASKROLE_OUT';

export function outDirOf(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env[OUT_DIR_ENV] || DEFAULT_OUT_DIR);
}
