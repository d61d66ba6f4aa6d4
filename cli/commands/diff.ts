import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../../core/errors.ts';
import { diffResults } from '../../reports/diff/diff-results.ts';
import { formatDiffText } from '../../reports/diff/format-diff-text.ts';
import { writeDiff } from '../../reports/diff/write-diff.ts';
import { loadAllResults } from '../../reports/results/load-all.ts';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description(
      'compare two runs cell by cell: regressions (was as expected, now deviates), fixes, changed outcomes, new and removed cells; exit 1 on any regression',
    )
    .argument('<baseline>', 'results.json of the baseline run (e.g. the current AMI)')
    .argument('<candidate>', 'results.json of the candidate run (e.g. the new AMI or agent)')
    .option('--out <dir>', 'also write diff.json, diff.md and diff.html into this directory')
    .option('--json', 'print the diff as one JSON document')
    .action(async (baselineFile: string, candidateFile: string, options: { out?: string; json?: boolean }) => {
      const [baseline, candidate] = await loadAllResults([baselineFile, candidateFile]);
      if (!baseline || !candidate) return;
      const diff = diffResults(baseline, candidate);
      process.stdout.write(options.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiffText(diff));
      if (options.out) {
        const files = writeDiff(resolve(options.out), diff);
        // With --json, stdout is the document alone.
        (options.json ? process.stderr : process.stdout).write(`diff written: ${files.join(', ')}\n`);
      }
      process.exitCode = diff.counts.regression > 0 ? EXIT.deviations : EXIT.ok;
    });
}
