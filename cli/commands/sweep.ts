import { type Command, InvalidArgumentError } from 'commander';
import { BadInputError, InfrastructureError } from '../../core/errors.ts';
import type { Backend } from '../../core/results/results-schema.ts';
import { jsonForTerminal } from '../../core/text/safe-text.ts';
import { createClients, destroyClients } from '../../infra/aws/clients.ts';
import { explainCredentialsFailure } from '../../infra/aws/credentials-error.ts';
import { EXPIRY_WINDOW_MS, sweepReport } from '../../infra/aws/sweep.ts';
import type { BackendProfile } from '../../infra/backends/profile.ts';
import { backendProfile } from '../../run/backends.ts';
import { backendOption } from './backend-option.ts';
import { withHelpFooter } from './help-text.ts';
import { checkedRegion, parseRegion } from './region-option.ts';

interface SweepCliOptions {
  backend: Backend;
  region?: string;
  run?: string;
  olderThan?: number;
  dryRun?: boolean;
  json?: boolean;
}

export function registerSweep(program: Command): void {
  const sweep = program
    .command('sweep')
    .description(
      'delete what runs left behind: one run (--run ID), or everything carrying the harness tags whose expiry passed',
    )
    .addOption(backendOption('where to look'))
    .option('--region <region>', 'region (default: AWS_REGION, else us-west-2)', parseRegion)
    .option(
      '--run <id>',
      "only this run's resources, expired or not (safe to repeat: finishes an interrupted teardown)",
    )
    .option(
      '--older-than <duration>',
      'also runs started at least this long ago, e.g. 30m, 2h; below the 6 h expiry only with --run or --dry-run',
      parseDuration,
    )
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .option('--json', 'print one JSON document: { dryRun, removedLabNetworks, deleted, leftAlone, notOurs, failed }');
  withHelpFooter(sweep, {
    env: [
      ['AWS_REGION', 'default of --region'],
      ['AWS_PROFILE, AWS_ACCESS_KEY_ID, …', '--backend aws: the standard credential chain'],
      ['ECS_TASKROLE_LAB_DIR', "--backend lab: the lab's state directory"],
      ['ECS_TASKROLE_LOCALSTACK_ENDPOINT', '--backend localstack: which LocalStack'],
    ],
    exitCodes: [
      ['0', 'swept (or nothing to sweep)'],
      ['2', 'bad input or usage (e.g. --older-than below the expiry without --run or --dry-run)'],
      ['3', 'a resource could not be deleted (named, with the sweep --run line to repeat)'],
    ],
    examples: [
      'ecs-taskrole sweep --run 20261203-0412-ab12cd --backend aws',
      'ecs-taskrole sweep --backend aws --older-than 2h --dry-run --json',
    ],
  });
  sweep.action(runSweep);
}

async function runSweep(options: SweepCliOptions): Promise<void> {
  refuseLiveRunWindow(options);
  options.region ??= process.env.AWS_REGION ? checkedRegion(process.env.AWS_REGION, 'AWS_REGION') : 'us-west-2';
  const dryRun = options.dryRun === true;
  const profile = await backendProfile(options.backend);
  const removedLabNetworks = await sweepLabNetworks(profile, options, dryRun);
  const record = await profile.standaloneRecord(options.region);
  if (!record) {
    if (options.json) {
      const nothing = { deleted: [], leftAlone: [], notOurs: [], failed: [] };
      printJson({ dryRun, labRunning: false, removedLabNetworks, ...nothing });
    } else out('the lab is not running: no AWS resources to sweep');
    return;
  }
  const clients = createClients(profile.connect(record).target);
  try {
    const report = await sweepReport(clients, {
      dryRun,
      ...(options.run ? { runId: options.run } : {}),
      ...(options.olderThan !== undefined ? { olderThanMs: options.olderThan } : {}),
    }).catch((error: unknown) => {
      throw sweepFailure(error);
    });
    if (options.json) {
      const { deleted, unknownExpiry: leftAlone, notOurs, failed } = report;
      printJson({ dryRun, removedLabNetworks, deleted, leftAlone, notOurs, failed });
    } else printReport(report, dryRun);
    if (report.failed.length > 0) throw notDeleted(report.failed);
  } finally {
    destroyClients(clients);
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Checked before anything is touched: below the expiry window, --older-than reaches live runs. */
function refuseLiveRunWindow(options: SweepCliOptions): void {
  if (options.olderThan === undefined || options.olderThan >= EXPIRY_WINDOW_MS || options.run || options.dryRun) return;
  throw new BadInputError([
    {
      file: 'sweep',
      path: '--older-than',
      message:
        `${formatDuration(options.olderThan)} is below the ${EXPIRY_WINDOW_MS / 3_600_000} h expiry window and would ` +
        "delete runs that have not expired (perhaps a colleague's live run): name one run with --run ID, or list with --dry-run",
    },
  ]);
}

/** Hosts and namespaces of data planes whose process died go first; they need no control plane. A dry run only names them. */
async function sweepLabNetworks(profile: BackendProfile, options: SweepCliOptions, dryRun: boolean): Promise<string[]> {
  if (!profile.cleanupHost) return [];
  const orphans = await profile.cleanupHost({ dryRun });
  if (!options.json) {
    for (const prefix of orphans.prefixes) out(`${dryRun ? 'to remove' : 'removed'} orphaned lab network ${prefix}`);
    for (const kept of orphans.skippedUnrecorded) out(`left lab network ${kept.prefix} alone: ${kept.reason}`);
  }
  return [...orphans.prefixes];
}

type SweepReport = Awaited<ReturnType<typeof sweepReport>>;

function printReport(report: SweepReport, dryRun: boolean): void {
  const verb = dryRun ? 'to delete' : 'deleted';
  for (const r of report.deleted) out(`${verb} ${r.kind} ${r.id} (run ${r.runId})`);
  for (const r of report.unknownExpiry) {
    out(
      `left alone ${r.kind} ${r.id} (run ${r.runId}): its expiry tag is ${r.problem}; sweep --run ${r.runId} deletes it`,
    );
  }
  for (const r of report.notOurs) {
    out(`tagged but not ours: ${r.kind} ${r.id} (run ${r.runId}): ${r.reason}; left untouched`);
  }
  out(`${report.deleted.length} resource(s) ${verb}`);
}

/** What could not be deleted, with the `sweep --run` lines that finish it (exit 3). */
function notDeleted(failed: SweepReport['failed']): InfrastructureError {
  const runs = [...new Set(failed.map((r) => r.runId))];
  return new InfrastructureError(
    `${failed.length} resource(s) not deleted: ${failed.map((r) => `${r.kind} ${r.id} (${r.error})`).join('; ')}. ` +
      `Repeat with ${runs.map((run) => `sweep --run ${run}`).join(', ')}`,
  );
}

/** A failure to list or delete, said as an infrastructure failure (exit 3), never as a bug. */
function sweepFailure(error: unknown): unknown {
  const explained = explainCredentialsFailure(error, 'nothing was looked up or deleted');
  if (explained instanceof InfrastructureError || explained instanceof BadInputError) return explained;
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  const message = error instanceof Error ? error.message : String(error);
  return new InfrastructureError(`sweeping failed: ${name}${message}`, { cause: error });
}

/** stdout is the document alone (errors go to stderr); resource ids and tags are escaped for the terminal. */
function printJson(document: Record<string, unknown>): void {
  process.stdout.write(`${jsonForTerminal(JSON.stringify(document, null, 2))}\n`);
}

export function parseDuration(value: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(value);
  if (!match?.[1] || !match[2]) throw new InvalidArgumentError('expected a duration such as 30m, 2h or 7d');
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

function formatDuration(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}
