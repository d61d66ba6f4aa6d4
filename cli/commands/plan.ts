import type { Command } from 'commander';
import { loadMatrix } from '../../core/matrix/index.ts';
import { type Plan, planMatrix } from '../../core/plan/plan.ts';
import { printPlan } from '../../core/plan/print-plan.ts';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('list the cells of a matrix, their expected outcomes and the instance groups (creates nothing)')
    .option('--matrix <file>', 'matrix file (YAML or JSON); default: fixtures/matrices/default.yaml')
    .option('--json', 'print one JSON document: { cells, instanceGroups }')
    .action(async (options: { matrix?: string; json?: boolean }) => {
      const plan: Plan = planMatrix(await loadMatrix(options.matrix));
      process.stdout.write(options.json ? `${JSON.stringify(plan.json, null, 2)}\n` : printPlan(plan));
    });
}
