import type { Command } from 'commander';
import { registerPlan } from './plan.ts';

/** Every subcommand registers itself here: one line per command file. */
export function registerCommands(program: Command): void {
  registerPlan(program);
}
