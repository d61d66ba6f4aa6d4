import { OUTCOMES } from '../outcome.ts';
import type { Plan } from './plan.ts';

/** Human-readable plan: cells with expectations, then instance groups, then totals. */
export function printPlan(plan: Plan): string {
  const idWidth = Math.max(...plan.cells.map((cell) => cell.id.length), 4);
  const outcomeWidth = Math.max(...OUTCOMES.map((outcome) => outcome.length));
  const lines = [`matrix ${plan.matrix.name} (region ${plan.matrix.region})`, '', 'cells:'];
  for (const cell of plan.cells) {
    const marker = cell.expected.inferred ? ' (inferred)' : '';
    const metadata = cell.expected.imdsMetadata;
    const read = metadata ? `; IMDS metadata ${metadata.result} by ${metadata.rule}` : '';
    lines.push(
      `  ${cell.id.padEnd(idWidth)}  ${cell.expected.outcome.padEnd(outcomeWidth)}  ${cell.expected.chain.join(' → ')}${marker}${read}`,
    );
  }
  lines.push('', 'instance groups (one container instance each):');
  for (const group of plan.instanceGroups) lines.push(`  ${group.id}: ${group.cells.length} cell(s)`);
  if (plan.matrix.skipped.length > 0) {
    lines.push('', 'skipped (combinations that cannot exist):');
    for (const skipped of plan.matrix.skipped) lines.push(`  ${skipped.id}: ${skipped.reason}`);
  }
  const outcomes = new Set(plan.cells.map((cell) => cell.expected.outcome));
  lines.push(
    '',
    `${plan.cells.length} cells, ${plan.instanceGroups.length} instances, ${outcomes.size} expected outcome classes`,
  );
  return `${lines.join('\n')}\n`;
}
