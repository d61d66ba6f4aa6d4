import type { Command } from 'commander';
import { registerDiff } from './diff.ts';
import { registerLab } from './lab.ts';
import { registerPlan } from './plan.ts';
import { registerReport } from './report.ts';
import { registerRun } from './run.ts';
import { registerSweep } from './sweep.ts';

/** Every subcommand registers itself here: one line per command file. */
export function registerCommands(program: Command): void {
  registerRun(program);
  registerPlan(program);
  registerReport(program);
  registerDiff(program);
  registerSweep(program);
  registerLab(program);
}
