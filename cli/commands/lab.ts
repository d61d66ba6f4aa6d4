import type { Command } from 'commander';
import { labDown, labStatus, labUp } from '../../infra/lab/index.ts';

export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
    .description('the embedded backend: AWS-compatible control plane on loopback (moto), simulated EC2 hosts');
  lab
    .command('up')
    .description('start the lab in the background (or reuse the running one); prints its endpoint')
    .option('--control-plane-only', 'only the AWS APIs (moto), no simulated hosts (no root needed)')
    .action(async (options: { controlPlaneOnly?: boolean }) => {
      const { lab: state, reused, statePath } = await labUp(undefined, { dataPlane: !options.controlPlaneOnly });
      process.stdout.write(
        `${reused ? 'lab already running' : 'lab started'}: control plane ${state.endpoint} (region ${state.region})\n` +
          `state: ${statePath}\n`,
      );
    });
  lab
    .command('status')
    .description('is the lab running, where, and since when')
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }) => {
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
  lab
    .command('down')
    .description('stop the lab and remove everything it made (also after a crash)')
    .action(async () => {
      const { stopped } = await labDown();
      process.stdout.write(stopped ? 'lab stopped\n' : 'no lab was running\n');
    });
}
