import type { Command } from 'commander';
import { labDown, labStatus, labUp } from '../../lab/index.ts';
import { withHelpFooter } from './help-text.ts';

const LAB_ENV: [string, string][] = [
  ['ECS_TASKROLE_LAB_DIR', "the lab's state directory (default ~/.local/state/ecs-taskrole/lab)"],
  [
    'ECS_TASKROLE_LAB_HOLDER_PID',
    '`lab up` ties the lab to this process (a CI job shell): it stops itself once that process and every run using it are gone (default: it stays until `lab down`)',
  ],
  [
    'ECS_TASKROLE_MOTO_PYTHON',
    "the Python that has moto 5.2.1 (default: the tool's venv in ~/.cache/ecs-taskrole, made from PyPI)",
  ],
];
const LAB_EXIT: [string, string][] = [
  ['0', 'ok'],
  ['2', 'usage'],
  ['3', 'the lab could not start or stop (named)'],
];

export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
    .description('the embedded backend: AWS-compatible control plane on loopback (moto), simulated EC2 hosts');
  withHelpFooter(lab, {
    env: LAB_ENV,
    exitCodes: LAB_EXIT,
    examples: ['ecs-taskrole lab up', 'ecs-taskrole lab status --json', 'ecs-taskrole lab down'],
  });
  const up = lab
    .command('up')
    .description('start the lab in the background (or reuse the running one); prints its endpoint')
    .option('--control-plane-only', 'only the AWS APIs (moto), no simulated hosts (no root needed)')
    .option('--json', 'print one JSON document: { reused, endpoint, region, statePath } (never a secret)');
  withHelpFooter(up, {
    env: LAB_ENV,
    exitCodes: LAB_EXIT,
    examples: ['ecs-taskrole lab up', 'ecs-taskrole lab up --control-plane-only --json'],
  });
  up.action(async (options: { controlPlaneOnly?: boolean; json?: boolean }) => {
    const {
      lab: state,
      reused,
      statePath,
    } = await labUp(undefined, {
      dataPlane: !options.controlPlaneOnly,
      keptUntilLabDown: true,
    });
    if (options.json) {
      const document = { reused, endpoint: state.endpoint, region: state.region, statePath };
      process.stdout.write(`${JSON.stringify(document)}\n`);
      return;
    }
    process.stdout.write(
      `${reused ? 'lab already running' : 'lab started'}: control plane ${state.endpoint} (region ${state.region})\n` +
        `state: ${statePath}\n`,
    );
  });
  const status = lab
    .command('status')
    .description('is the lab running, where, and since when')
    .option('--json', 'print one JSON document');
  withHelpFooter(status, { env: LAB_ENV, exitCodes: LAB_EXIT, examples: ['ecs-taskrole lab status --json'] });
  status.action(async (options: { json?: boolean }) => {
    const status = await labStatus();
    if (options.json) {
      process.stdout.write(`${JSON.stringify(status)}\n`);
      return;
    }
    const detail =
      status.state === 'running'
        ? `control plane ${status.endpoint} (moto pid ${status.pid}, since ${status.startedAt})`
        : status.state === 'stale'
          ? `${status.reason}; run \`ecs-taskrole lab down\` to clear it`
          : 'run `ecs-taskrole lab up` to start it';
    process.stdout.write(`lab ${status.state}: ${detail}\nstate: ${status.statePath}\n`);
  });
  const down = lab.command('down').description('stop the lab and remove everything it made (also after a crash)');
  withHelpFooter(down, { env: LAB_ENV, exitCodes: LAB_EXIT, examples: ['ecs-taskrole lab down'] });
  down.action(async () => {
    const { stopped } = await labDown();
    process.stdout.write(stopped ? 'lab stopped\n' : 'no lab was running\n');
  });
}
