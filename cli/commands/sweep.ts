import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Backend } from '../../core/results/results-schema.ts';
import { createClients, destroyClients } from '../../infra/aws/clients.ts';
import { sweep } from '../../infra/aws/sweep.ts';
import { backendTarget } from '../../infra/backends/target.ts';
import { cleanupLab, labStatus } from '../../infra/lab/index.ts';

interface SweepCliOptions {
  backend: Backend;
  region: string;
  olderThan?: number;
  dryRun?: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('delete everything carrying the harness tags whose expiry passed (what a crash or --keep left)')
    .addOption(new Option('--backend <backend>', 'where to look').choices(['lab', 'aws', 'localstack']).default('lab'))
    .option('--region <region>', 'region', process.env.AWS_REGION ?? 'us-west-2')
    .option('--older-than <duration>', 'also runs started at least this long ago, e.g. 0s, 30m, 2h', parseDuration)
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .action(async (options: SweepCliOptions) => {
      if (options.backend !== 'aws') {
        // Hosts and namespaces of data planes whose process died go first; they need no control plane.
        const orphans = await cleanupLab(undefined);
        for (const prefix of orphans.prefixes) process.stdout.write(`removed orphaned lab network ${prefix}\n`);
      }
      if (options.backend === 'lab' && (await labStatus()).state !== 'running') {
        process.stdout.write('the lab is not running: no AWS resources to sweep\n');
        return;
      }
      const clients = createClients(backendTarget(options.backend, options.region).target);
      try {
        const swept = await sweep(clients, {
          dryRun: options.dryRun === true,
          ...(options.olderThan !== undefined ? { olderThanMs: options.olderThan } : {}),
        });
        const verb = options.dryRun ? 'to delete' : 'deleted';
        for (const resource of swept)
          process.stdout.write(`${verb} ${resource.kind} ${resource.id} (run ${resource.runId})\n`);
        process.stdout.write(`${swept.length} resource(s) ${verb}\n`);
      } finally {
        destroyClients(clients);
      }
    });
}

export function parseDuration(value: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(value);
  if (!match?.[1] || !match[2]) throw new InvalidArgumentError('expected a duration such as 0s, 30m, 2h or 7d');
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
