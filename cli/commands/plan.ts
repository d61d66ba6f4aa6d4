import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MATRIX_LIMITS, loadMatrix } from '../../core/matrix/index.ts';
import { type Plan, planMatrix } from '../../core/plan/plan.ts';
import { printPlan } from '../../core/plan/print-plan.ts';
import { parseShard, shardOf } from '../../core/plan/shard.ts';
import { withHelpFooter } from './help-text.ts';

interface PlanOptions {
  matrix?: string;
  json?: boolean;
  shard?: string;
  maxCells: number;
  maxInstances: number;
}

export function registerPlan(program: Command): void {
  const plan = program
    .command('plan')
    .description('list the cells of a matrix, their expected outcomes and the instance groups (creates nothing)')
    .option('--matrix <file>', 'matrix file (YAML or JSON); default: fixtures/matrices/default.yaml')
    .option('--json', 'print one JSON document: { cells, instanceGroups }')
    .option(
      '--shard <i/n>',
      'only shard i of n, as `run --shard i/n` would run it (the shards split by instance group)',
    )
    .addOption(
      new Option('--max-cells <n>', 'refuse a matrix that expands to more cells')
        .argParser(parseLimit)
        .default(DEFAULT_MATRIX_LIMITS.maxCells),
    )
    .addOption(
      new Option('--max-instances <n>', 'refuse a matrix that needs more container instances (instance groups)')
        .argParser(parseLimit)
        .default(DEFAULT_MATRIX_LIMITS.maxInstances),
    );
  withHelpFooter(plan, {
    exitCodes: [
      ['0', 'planned'],
      ['2', 'bad matrix file or usage (one line per problem, naming file and field)'],
      ['3', 'unexpected failure'],
    ],
    examples: [
      'ecs-taskrole plan',
      'ecs-taskrole plan --matrix fixtures/matrices/upgrade-gate.yaml --json',
      'ecs-taskrole plan --shard 1/4',
    ],
  });
  plan.action(async (options: PlanOptions) => {
    const matrix = await loadMatrix(options.matrix, {
      maxCells: options.maxCells,
      maxInstances: options.maxInstances,
    });
    const whole: Plan = planMatrix(matrix);
    const shard = options.shard ? parseShard(options.shard) : undefined;
    if (!shard) {
      process.stdout.write(options.json ? `${JSON.stringify(whole.json, null, 2)}\n` : printPlan(whole));
      return;
    }
    const ids = new Set(shardOf(whole, shard).cells.map((cell) => cell.id));
    const plan = planMatrix({ ...matrix, cells: matrix.cells.filter((cell) => ids.has(cell.id)) });
    const header = `shard ${shard.index}/${shard.total}: ${plan.instanceGroups.length} of ${whole.instanceGroups.length} instance groups, ${plan.cells.length} of ${whole.cells.length} cells`;
    process.stdout.write(
      options.json ? `${JSON.stringify({ shard, ...plan.json }, null, 2)}\n` : `${header}\n\n${printPlan(plan)}`,
    );
  });
}

/** A positive whole number up to 10^7 (beyond that, planning itself takes gigabytes). */
export function parseLimit(value: string): number {
  const limit = Number(value);
  if (!/^\d{1,8}$/.test(value) || limit < 1 || limit > 10_000_000) {
    throw new InvalidArgumentError('expected a whole number from 1 to 10000000');
  }
  return limit;
}
