import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MATRIX_LIMITS, loadMatrix } from '../../core/matrix/index.ts';
import { type Plan, planMatrix } from '../../core/plan/plan.ts';
import { printPlan } from '../../core/plan/print-plan.ts';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('list the cells of a matrix, their expected outcomes and the instance groups (creates nothing)')
    .option('--matrix <file>', 'matrix file (YAML or JSON); default: fixtures/matrices/default.yaml')
    .option('--json', 'print one JSON document: { cells, instanceGroups }')
    .addOption(
      new Option('--max-cells <n>', 'refuse a matrix that expands to more cells')
        .argParser(parseLimit)
        .default(DEFAULT_MATRIX_LIMITS.maxCells),
    )
    .addOption(
      new Option('--max-instances <n>', 'refuse a matrix that needs more container instances (instance groups)')
        .argParser(parseLimit)
        .default(DEFAULT_MATRIX_LIMITS.maxInstances),
    )
    .action(async (options: { matrix?: string; json?: boolean; maxCells: number; maxInstances: number }) => {
      const matrix = await loadMatrix(options.matrix, {
        maxCells: options.maxCells,
        maxInstances: options.maxInstances,
      });
      const plan: Plan = planMatrix(matrix);
      process.stdout.write(options.json ? `${JSON.stringify(plan.json, null, 2)}\n` : printPlan(plan));
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
