import type { Command } from 'commander';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('list the cells of a matrix, their expected outcomes and the instance groups')
    .option('--matrix <file>', 'matrix file (YAML or JSON); default: the shipped default matrix')
    .option('--json', 'print one JSON document instead of tables')
    .action(async () => {
      throw new Error('plan: not implemented yet');
    });
}
